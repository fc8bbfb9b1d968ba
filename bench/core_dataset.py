"""The shape of the core benchmark's school, drawn from a seeded random generator (no database here).

One district with one school; teachers, students and admins; courses (a few of several hundred members) and
projects, each with its live conversation; 1:1s, groups and "Sent to X people" batches. One teacher, the
*benchmark user*, is a member of exactly ``BENCH_CONVERSATIONS`` conversations. Messages are spread over a term,
busy conversations (lognormal sizes) next to quiet ones, and numbered by ``seq`` in time order, as sends number
them; a message to a "Sent to X people" batch is also written into each recipient's 1:1, as the app does.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from schoolchat.policy import texts

BENCH_USERNAME = "bench.teacher"
BENCH_CONVERSATIONS = 150
TERM = timedelta(days=180)


@dataclass
class Conversation:
    id: int
    kind: str
    members: list[int]
    created_by: int
    created_at: datetime
    name: str | None = None
    space_id: int | None = None
    direct_key: str | None = None
    recipients: list[tuple[int, int]] = field(default_factory=list)  # individual: (user id, their 1:1's id)
    messages: int = 0  # how many to draw (copies from "Sent to X people" batches come on top)


@dataclass
class Space:
    id: int
    kind: str
    name: str
    teachers: list[int]
    students: list[int]


@dataclass
class Plan:
    """Everything but the messages themselves, which ``message_stream`` draws from it."""

    now: datetime
    teachers: list[int]
    students: list[int]
    admins: list[int]
    bench_user: int
    spaces: list[Space]
    conversations: list[Conversation]

    @property
    def user_count(self) -> int:
        return len(self.teachers) + len(self.students) + len(self.admins)


@dataclass(frozen=True, slots=True)
class Draft:
    """One message before it is numbered: when, where, by whom, which body of the pool."""

    at: float  # seconds since the epoch
    conversation_id: int
    sender_id: int
    body: int
    is_copy: bool  # written into a 1:1 by a "Sent to X people" send: no client_message_id


def build_plan(rng: random.Random, *, conversations: int, messages: int, users: int) -> Plan:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    teacher_count, admin_count = max(20, users // 20), 10
    ids = iter(range(1, users + 1))
    teachers = [next(ids) for _ in range(teacher_count)]
    admins = [next(ids) for _ in range(admin_count)]
    students = list(ids)
    bench = teachers[0]
    builder = _Builder(rng, now, teachers, students)
    spaces = builder.spaces(bench, courses=max(8, conversations * 7 // 100), projects=max(4, conversations // 50))
    builder.space_conversations(spaces)
    builder.bench_conversations(bench)
    builder.fill_to(conversations)
    _assign_message_counts(rng, builder.conversations, messages)
    return Plan(now, teachers, students, admins, bench, spaces, builder.conversations)


class _Builder:
    def __init__(self, rng: random.Random, now: datetime, teachers: list[int], students: list[int]) -> None:
        self.rng, self.now, self.teachers, self.students = rng, now, teachers, students
        self.conversations: list[Conversation] = []
        self.direct_pairs: dict[tuple[int, int], int] = {}

    def _created_at(self) -> datetime:
        return self.now - TERM + timedelta(seconds=self.rng.uniform(0, TERM.total_seconds() * 0.6))

    def _add(self, kind: str, members: list[int], created_by: int, **extra: object) -> Conversation:
        conversation = Conversation(len(self.conversations) + 1, kind, sorted(set(members)), created_by,
                                    self._created_at(), **extra)  # type: ignore[arg-type]
        self.conversations.append(conversation)
        return conversation

    def spaces(self, bench: int, *, courses: int, projects: int) -> list[Space]:
        """Courses of about 30, every tenth one of 200-450 (assemblies, year groups); projects of 4-15."""
        rng, found = self.rng, []
        for number in range(courses):
            size = rng.randint(200, 450) if number % 10 == 0 else rng.randint(22, 34)
            teachers = rng.sample(self.teachers[1:], rng.choice((1, 1, 2)))
            if number < 12:  # the benchmark user teaches twelve courses, two of them large
                teachers = [bench, *teachers[:1]] if size < 100 else [*teachers[:1], bench]
            found.append(Space(len(found) + 1, "course", f"Course {number + 1:03d}", teachers,
                               rng.sample(self.students, size)))
        for number in range(projects):
            teachers = [bench] if number < 6 else [rng.choice(self.teachers[1:])]
            found.append(Space(len(found) + 1, "project", f"Project {number + 1:03d}", teachers,
                               rng.sample(self.students, rng.randint(4, 15))))
        return found

    def space_conversations(self, spaces: list[Space]) -> None:
        for space in spaces:
            self._add(space.kind, space.teachers + space.students, space.teachers[0], name=space.name,
                      space_id=space.id)

    def direct(self, a: int, b: int) -> Conversation | None:
        low, high = sorted((a, b))
        if a == b or (low, high) in self.direct_pairs:
            return None
        conversation = self._add("direct", [a, b], a, direct_key=f"{low}:{high}")
        self.direct_pairs[(low, high)] = conversation.id
        return conversation

    def group(self, owner: int, pool: list[int]) -> Conversation:
        members = [owner, *self.rng.sample(pool, self.rng.randint(2, 11))]
        name = f"Group {len(self.conversations) + 1}" if self.rng.random() < 0.5 else None
        return self._add("group", members, owner, name=name)

    def individual(self, sender: int, partners: list[int]) -> Conversation:
        chosen = self.rng.sample(partners, min(len(partners), self.rng.randint(3, 12)))
        recipients = [(user, self.direct_pairs[tuple(sorted((sender, user)))]) for user in sorted(chosen)]
        return self._add("individual", [sender], sender, name=texts.sent_to(len(recipients)), recipients=recipients)

    def bench_conversations(self, bench: int) -> None:
        """Tops the benchmark user's spaces up to exactly BENCH_CONVERSATIONS with 1:1s, groups and two batches."""
        have = sum(bench in c.members for c in self.conversations)
        partners = self.rng.sample(self.students + self.teachers[1:], 80)
        for partner in partners[: (BENCH_CONVERSATIONS - have - 2) * 6 // 10]:
            self.direct(bench, partner)
        for _ in range(2):
            self.individual(bench, [p for p in partners if tuple(sorted((bench, p))) in self.direct_pairs])
        while sum(bench in c.members for c in self.conversations) < BENCH_CONVERSATIONS:
            self.group(bench, self.students + self.teachers[1:])

    def fill_to(self, total: int) -> None:
        """Everybody else's 1:1s (65 %), groups and a few batches, never involving the benchmark user."""
        others = self.students + self.teachers[1:]
        while len(self.conversations) < total:
            roll = self.rng.random()
            if roll < 0.65:
                self.direct(*self.rng.sample(others, 2))
            elif roll < 0.99:
                self.group(self.rng.choice(others), [u for u in self.rng.sample(others, 40)])
            else:
                sender = self.rng.choice(self.teachers[1:])
                partners = [b if a == sender else a for a, b in self.direct_pairs if sender in (a, b)]
                if len(partners) >= 3:
                    self.individual(sender, partners)


# Mean messages per conversation by kind, relative: course conversations are the busy ones.
_WEIGHT = {"course": 8.0, "project": 3.0, "group": 1.5, "direct": 1.0, "individual": 0.02}


def _assign_message_counts(rng: random.Random, conversations: list[Conversation], total: int) -> None:
    """Lognormal sizes around each kind's weight (and a course's size), scaled so drafts plus batch copies come
    to ``total``."""
    weights = [_WEIGHT[c.kind] * max(1.0, len(c.members) / 30) ** 0.5 * rng.lognormvariate(0, 1.0)
               for c in conversations]
    copies_per = {c.id: len(c.recipients) for c in conversations}
    scale = total / sum(w * (1 + copies_per[c.id]) for w, c in zip(weights, conversations, strict=True))
    for weight, conversation in zip(weights, conversations, strict=True):
        conversation.messages = max(1, round(weight * scale))
    excess = sum(c.messages * (1 + copies_per[c.id]) for c in conversations) - total
    busiest = max(conversations, key=lambda c: c.messages if not c.recipients else 0)
    busiest.messages -= excess


def message_stream(rng: random.Random, plan: Plan, body_count: int) -> list[Draft]:
    """Every message of the school, in time order (the order ids are handed out in)."""
    end = plan.now.timestamp() - 60
    drafts: list[Draft] = []
    for conversation in plan.conversations:
        start = conversation.created_at.timestamp()
        senders = _senders(rng, conversation, plan)
        for _ in range(conversation.messages):
            at = rng.uniform(start, end)
            sender = rng.choice(senders)
            body = rng.randrange(body_count)
            drafts.append(Draft(at, conversation.id, sender, body, False))
            drafts.extend(Draft(at, direct_id, sender, body, True) for _, direct_id in conversation.recipients)
    drafts.sort(key=lambda d: d.at)
    return drafts


def _senders(rng: random.Random, conversation: Conversation, plan: Plan) -> list[int]:
    """Who writes here, repeated by how much: in a course, teachers a third of the time and a few keen students.

    The benchmark user co-teaches the large courses without writing there: sending moves one's own read cursor,
    and this is how they come to have thousands of unread messages for the badge count to add up.
    """
    if conversation.kind not in ("course", "project"):
        return conversation.members
    space = plan.spaces[conversation.space_id - 1] if conversation.space_id else None
    assert space is not None
    teachers = [t for t in space.teachers if not (t == plan.bench_user and len(conversation.members) > 100)]
    students = rng.sample(space.students, max(1, len(space.students) // 3))
    return teachers * max(1, len(students) // (2 * len(teachers))) + students


@dataclass(frozen=True, slots=True)
class Numbered:
    id: int
    seq: int
    draft: Draft


def number(drafts: list[Draft]) -> tuple[list[Numbered], dict[tuple[int, int], int]]:
    """Ids in time order, ``seq`` per conversation; also each sender's last own ``seq`` (their cursor's floor)."""
    seqs: dict[int, int] = defaultdict(int)
    own_last: dict[tuple[int, int], int] = {}
    numbered = []
    for message_id, draft in enumerate(drafts, start=1):
        seqs[draft.conversation_id] += 1
        seq = seqs[draft.conversation_id]
        own_last[(draft.conversation_id, draft.sender_id)] = seq
        numbered.append(Numbered(message_id, seq, draft))
    return numbered, own_last


def read_cursor(rng: random.Random, last_seq: int, own_last: int, *, is_bench: bool, large: bool) -> int:
    """Where a member has read up to: most are caught up, some are a few behind, some ignore a busy course.

    The benchmark user is caught up in most conversations and far behind in their large courses, which is what
    makes the badge count work hardest.
    """
    roll = rng.random()
    if is_bench and large:
        behind = min(last_seq, 2_000)
    elif roll < 0.7:
        behind = 0
    elif roll < 0.95 or not large:
        behind = min(last_seq, int(rng.expovariate(1 / 6)) + 1)
    else:
        behind = min(last_seq, rng.randint(100, 3_000))
    return max(own_last, last_seq - behind)
