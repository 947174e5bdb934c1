# syntax=docker/dockerfile:1
# childcop's production image. One image runs every role (see docker-compose.yml):
# gunicorn web, Celery worker, Celery beat and the one-off `migrate`.
# Static files are collected at build time and served by whitenoise.

# --- Front-end assets: Bootstrap from the npm registry, pinned by package-lock.json
#     (installed at build time: never committed, never a CDN).
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- The application
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=childcop.settings \
    DJANGO_DEBUG=0 \
    CHILDCOP_VAR_DIR=/app/var

RUN groupadd --system --gid 10001 childcop \
 && useradd --system --uid 10001 --gid childcop --home-dir /app --no-create-home \
      --shell /usr/sbin/nologin childcop

WORKDIR /app

# Dependencies first, so code changes do not reinstall them. The lock pins every package.
COPY requirements.lock ./
RUN pip install --requirement requirements.lock

# The code, directory by directory: nothing from a developer's checkout (.env, var/,
# .venv/, node_modules/, .git/) can slip into the image. A new app needs a line here;
# without it the collectstatic step below fails to import it and the build stops.
COPY manage.py ./
COPY childcop ./childcop
COPY communities ./communities
COPY sponsorship ./sponsorship
COPY practice_groups ./practice_groups
COPY value_stories ./value_stories
COPY audit ./audit
COPY templates ./templates
COPY static ./static
# settings.STATICFILES_DIRS reads Bootstrap from node_modules/bootstrap/dist.
COPY --from=assets /build/node_modules/bootstrap/dist ./node_modules/bootstrap/dist

# collectstatic with a throwaway secret made inside this step (never stored in a layer or
# in ENV; production refuses to start without a real one) and a broker URL that is never
# contacted, so that settings create no broker folders in the image.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    CELERY_BROKER_URL="redis://collectstatic.invalid:6379/0" \
    python manage.py collectstatic --noinput --verbosity 1 \
 && mkdir -p /app/var \
 && chown childcop:childcop /app/var

USER childcop:childcop
EXPOSE 8000

# WEB_CONCURRENCY sets gunicorn's worker count (default 1); docker-compose.yml sets it.
CMD ["gunicorn", "childcop.wsgi", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "60", \
     "--graceful-timeout", "30", \
     "--access-logfile", "-"]
