"""Review queues per episode and for the whole show, stored per episode (issue 14)."""

from io import StringIO

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import TestCase

from glossary.models import Alias, CandidateScore, Term
from glossary.services.extraction import (
    candidates_for_episode,
    candidates_for_show,
    term_fold_variant,
    terms_propose_candidates,
    variant_proposals,
)
from tests.admin_helpers import logged_in, make_user
from tests.factories import make_episode

LONG = [
    ("Ann", 0.0, "The gossip protocol spreads state, the gossip protocol again."),
    ("Bo", 10.0, "A raft cluster elects a leader; the raft cluster votes."),
    ("Ann", 20.0, "Paxos rounds are slow, and paxos rounds are old."),
    ("Bo", 30.0, "A merkle tree hashes, the merkle tree verifies."),
    ("Ann", 40.0, "A bloom filter guesses, a bloom filter never forgets."),
    ("Bo", 50.0, "Vector clocks order events; vector clocks grow."),
]
SHORT = [
    ("Ann", 0.0, "The tachyon drive is loud. A tachyon drive, always."),
    ("Bo", 10.0, "Warp bubbles fold space, and warp bubbles wobble."),
]


def queue_labels(terms) -> list[str]:
    return [term.label for term in terms]


class QueueTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.long = make_episode("Consensus", show="Byte Show", segments=LONG)
        cls.short = make_episode("Engines", show="Byte Show", segments=SHORT)
        cls.result = terms_propose_candidates(per_episode=3)

    def test_each_episode_stores_its_own_best_candidates(self):
        for episode in (self.long, self.short):
            ranks = list(
                CandidateScore.objects.filter(episode=episode)
                .order_by("rank")
                .values_list("rank", flat=True)
            )
            assert ranks[:3] == [1, 2, 3]
        assert Term.objects.count() == 6

    def test_the_episode_queue_follows_that_episodes_ranks(self):
        queue = candidates_for_episode(episode=self.short)
        assert set(queue_labels(queue[:2])) == {"tachyon drive", "warp bubble"}
        rows = dict(
            CandidateScore.objects.filter(episode=self.short).values_list(
                "term__label", "rank"
            )
        )
        ranks = [rows[label] for label in queue_labels(queue)]
        assert ranks == sorted(ranks) and ranks[0] == 1

    def test_the_whole_show_queue_gives_each_episode_its_turn(self):
        with self.assertNumQueries(2):
            queue = candidates_for_show(show="Byte Show")
        firsts = {
            candidates_for_episode(episode=self.long)[0].label,
            candidates_for_episode(episode=self.short)[0].label,
        }
        assert set(queue_labels(queue[:2])) == firsts
        assert len(queue) == 6

    def test_proposing_again_keeps_one_row_per_term_and_episode(self):
        terms_propose_candidates(per_episode=3)
        assert CandidateScore.objects.count() == 6

    def test_extract_terms_ranking_prints_one_label_a_line_in_queue_order(self):
        out = StringIO()
        call_command("extract_terms", "--ranking", self.short.slug, stdout=out)
        assert out.getvalue().splitlines() == queue_labels(
            candidates_for_episode(episode=self.short)
        )

    def test_extract_terms_ranking_all_prints_the_whole_show_queue(self):
        out = StringIO()
        call_command("extract_terms", "--ranking", "all", stdout=out)
        assert out.getvalue().splitlines() == queue_labels(candidates_for_show())

    def test_the_admin_orders_an_episode_filter_by_that_episodes_ranking(self):
        client = logged_in(make_user("editor"))
        response = client.get(
            "/admin/glossary/term/", {"episode": self.short.slug, "status": "candidate"}
        )
        shown = [term.label for term in response.context["cl"].result_list]
        assert shown == queue_labels(candidates_for_episode(episode=self.short))

    def test_the_admin_lists_candidates_in_the_whole_show_order(self):
        client = logged_in(make_user("editor"))
        response = client.get("/admin/glossary/term/", {"status": "candidate"})
        shown = [term.label for term in response.context["cl"].result_list]
        assert shown == queue_labels(candidates_for_show())


VARIANT_TURNS = [
    ("Ann", 0.0, "We deploy on Kubernetes, Kubernetes everywhere."),
    ("Bo", 10.0, "Kubernetis was what the captions said, Kubernetis twice."),
    ("Ann", 20.0, "Kubernetes again, and Kubernetes once more."),
]


class VariantTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        make_episode("Clusters", show="Byte Show", segments=VARIANT_TURNS)
        terms_propose_candidates()
        cls.right = Term.objects.get(label="Kubernetes")
        cls.wrong = Term.objects.get(label="Kubernetis")

    def test_a_variant_is_proposed_and_not_folded(self):
        assert self.wrong.status == Term.Status.CANDIDATE
        proposals = variant_proposals([self.wrong, self.right])
        assert list(proposals) == [self.wrong.pk]
        assert proposals[self.wrong.pk].of == self.right

    def test_folding_makes_the_variant_a_hidden_alias(self):
        term_fold_variant(term=self.wrong, into=self.right)
        alias = Alias.objects.get(label="Kubernetis")
        assert alias.term == self.right
        assert alias.kind == Alias.Kind.HIDDEN
        assert not Term.objects.filter(pk=self.wrong.pk).exists()

    def test_a_term_is_not_folded_into_itself(self):
        with self.assertRaises(ValidationError):
            term_fold_variant(term=self.right, into=self.right)
        assert Term.objects.filter(pk=self.right.pk).exists()

    def test_the_admin_folds_a_variant_in_one_action(self):
        client = logged_in(make_user("editor"))
        response = client.post(
            "/admin/glossary/term/",
            {"action": "fold_variants", "_selected_action": [self.wrong.pk]},
            follow=True,
        )
        assert response.status_code == 200
        assert Alias.objects.get(label="Kubernetis").term == self.right
