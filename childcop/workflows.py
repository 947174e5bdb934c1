"""Workflow tables: what a record's state allows, and where each step leads.

Every model with a workflow state declares ONE table, next to its choices (for example
`value_stories.choices.STORY_WORKFLOW`). The permission rules (`childcop.permissions`) and
the services both ask that table, so a step allowed in one place is allowed in the other:

    STORY_WORKFLOW = Workflow(
        initial=Status.DRAFT,
        submit=step(Status.DRAFT, Status.RETURNED, to=Status.SUBMITTED),
        ...
    )
    STORY_WORKFLOW.allows(story.status, "submit")   # a rule, a service, a view
    STORY_WORKFLOW.target("submit")                  # where it leads

A step without `to` keeps the state (an edit, an answer); a step with several targets
(a review that approves or returns) is checked with `allows(state, step, to=...)`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    sources: tuple  # the states the step may be taken from
    targets: tuple = ()  # the states it leads to; empty: the state stays as it is


def step(*sources, to=()) -> Step:
    """A step taken from any of `sources`, leading to `to` (one state or a tuple of them)."""
    return Step(tuple(sources), tuple(to) if isinstance(to, tuple | list) else (to,))


class Workflow:
    """A transitions table: the named steps of one model's workflow."""

    def __init__(self, *, initial, **steps: Step):
        self.initial = initial
        self.steps = dict(steps)

    def __repr__(self):
        return f"Workflow(initial={self.initial!r}, steps={sorted(self.steps)})"

    def allows(self, state, action: str, *, to=None) -> bool:
        """May `action` be taken from `state` (and lead to `to`, when given)?"""
        spec = self.steps[action]
        return state in spec.sources and (to is None or to in spec.targets)

    def sources(self, action: str) -> tuple:
        return self.steps[action].sources

    def targets(self, action: str) -> tuple:
        return self.steps[action].targets

    def target(self, action: str):
        """The one state `action` leads to."""
        (target,) = self.steps[action].targets
        return target

    def transitions(self) -> dict:
        """The graph the steps draw: {from-state: {to-state, ...}}, state changes only."""
        graph: dict = {}
        for spec in self.steps.values():
            for source in spec.sources:
                graph.setdefault(source, set()).update(t for t in spec.targets if t != source)
        return graph
