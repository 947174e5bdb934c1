"""factory-boy factories for communities; the tests and the demo seed share them."""

from datetime import timedelta

import factory
from django.utils import timezone
from django.utils.text import slugify

from childcop.accounts.factories import UserFactory

from .choices import ActivityType, Channel, Format, Level, ObjectiveStatus, Recurrence, Stage
from .models import (
    Activity,
    AgendaItem,
    Answer,
    Attendance,
    Community,
    HelpRequest,
    LeadershipAssignment,
    Membership,
    Objective,
    Rhythm,
    Session,
    SharedMemoryEntry,
    StageChange,
)


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Community of practice {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    domain = factory.Faker("catch_phrase")
    purpose = factory.Faker("paragraph", nb_sentences=3)
    vision = factory.Faker("paragraph", nb_sentences=2)
    strategy = factory.Faker("paragraph", nb_sentences=2)
    value_proposition = factory.Faker("paragraph", nb_sentences=2)
    stage = Stage.MATURING
    is_open = True

    @factory.post_generation
    def history(self, create, extracted, **kwargs):
        if create and extracted is not False and not self.stage_changes.exists():
            StageChange.objects.create(community=self, from_stage="", to_stage=self.stage)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    community = factory.SubFactory(CommunityFactory)
    title = factory.Faker("sentence", nb_words=6)
    status = ObjectiveStatus.IN_PROGRESS


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    user = factory.SubFactory(UserFactory)
    level = Level.ACTIVE
    is_coordinator = False


class CoordinatorFactory(MembershipFactory):
    level = Level.CORE
    is_coordinator = True


class LeadershipAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadershipAssignment

    membership = factory.SubFactory(MembershipFactory)
    role = "community_keeper"


class RhythmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rhythm

    community = factory.SubFactory(CommunityFactory)
    title = "Monthly case clinic"
    activity_type = ActivityType.PRODUCTIVE_INQUIRIES
    format = Format.MANY_TO_MANY
    channel = Channel.ONLINE
    recurrence = Recurrence.MONTHLY
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    duration_minutes = 60


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    community = factory.SubFactory(CommunityFactory)
    title = "Case clinic"
    activity_type = ActivityType.PRODUCTIVE_INQUIRIES
    format = Format.MANY_TO_MANY
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    occurrence = factory.LazyAttribute(lambda o: o.starts_at if o.rhythm else None)
    rhythm = None
    created_at = factory.LazyAttribute(
        lambda o: min(o.starts_at - timedelta(days=7), timezone.now())
    )


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    community = factory.SubFactory(CommunityFactory)
    date = factory.LazyFunction(timezone.localdate)
    title = factory.Faker("sentence", nb_words=4)
    activity_type = ActivityType.EXCHANGES
    format = Format.MANY_TO_MANY
    summary = factory.Faker("paragraph", nb_sentences=2)


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    user = factory.SubFactory(UserFactory)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    community = factory.SubFactory(CommunityFactory)
    title = factory.Faker("sentence", nb_words=6)
    description = factory.Faker("paragraph", nb_sentences=2)


class HelpRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HelpRequest

    community = factory.SubFactory(CommunityFactory)
    asker = factory.SubFactory(UserFactory)
    title = factory.Faker("sentence", nb_words=6)
    challenge = factory.Faker("paragraph", nb_sentences=3)


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    request = factory.SubFactory(HelpRequestFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Faker("paragraph", nb_sentences=2)


class SharedMemoryEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SharedMemoryEntry

    community = factory.SubFactory(CommunityFactory)
    kind = "faq"
    title = factory.Faker("sentence", nb_words=5)
    body = factory.Faker("paragraph", nb_sentences=3)


# --- PDCA reviews, closure and cultivation
class PdcaReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "communities.PdcaReview"

    community = factory.SubFactory(CommunityFactory)
    stage = factory.LazyAttribute(lambda o: o.community.stage)
    audience = "Case handlers"
    purpose = "Fewer repeated mistakes"
    members_needs = "Quick answers"
    what_ran = "Case clinics"
    engagement = "A steady core"
    value_assessed = "Time saved"
    sustain = "The clinics"
    change = "Invite newcomers"
    next_review_on = factory.LazyFunction(
        lambda: (
            __import__("django.utils.timezone").utils.timezone.localdate()
            + __import__("datetime").timedelta(days=90)
        )
    )
