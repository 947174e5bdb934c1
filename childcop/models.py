"""Project-wide models: the generations of cached aggregates (see childcop.aggregates)."""

from django.db import models

from .validators import single_line


class AggregateGeneration(models.Model):
    """The current generation of one cached program-wide aggregate.

    Every write the aggregate depends on gives it a new random token, in the writer's
    transaction; cached values are keyed by the token, so a value computed before the
    write is never read after it commits, in any process.
    """

    name = models.CharField(max_length=50, primary_key=True)
    token = models.CharField(max_length=32)

    def __str__(self):
        return f"{self.name}: {self.token}"


class PendingTask(models.Model):
    """A job the product could not hand to the broker (Redis down): kept here, in the
    database, and sent once the broker answers again (childcop.outbox), so no work that
    a person's action queued is lost while the broker is away."""

    name = models.CharField(max_length=200, validators=[single_line])  # a task's dotted name
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name}{tuple(self.args)}"
