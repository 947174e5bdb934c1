"""A person's personal access tokens (/account/tokens/, linked from the profile): create
one (shown once), list them with when each was last used, revoke one."""

from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from childcop import permissions
from childcop.utils import done, paginate, posted

from .forms import TokenForm
from .models import ApiToken


@require_GET
def token_list(request):
    tokens = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at", "-id")
    return render(request, "api/tokens.html", {"page": paginate(request, tokens)})


@require_http_methods(["GET", "POST"])
def token_create(request):
    form = TokenForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        token, plaintext = ApiToken.issue(
            user=request.user, name=form.cleaned_data["name"], areas=form.cleaned_data["areas"]
        )
        import audit

        audit.record(
            request.user, audit.Action.TOKEN_CREATED, token,
            detail="reads: " + ", ".join(token.areas), request=request,
        )  # fmt: skip
        # Shown on this answer only (never stored, never sent again), which is not cached.
        return render(request, "api/token_created.html", {"token": token, "plaintext": plaintext})
    return render(request, "api/token_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def token_revoke(request, pk):
    token = permissions.get_token_for_user(request.user, pk)
    if request.method == "POST":
        token.revoke()
        return done(
            request, f"The token “{token.name}” was revoked: it no longer reads.", "tokens:list"
        )
    return render(request, "api/token_revoke.html", {"token": token})
