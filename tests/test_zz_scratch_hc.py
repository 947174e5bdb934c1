import pytest
from tests import test_permissions as tp

MINE = {n for n in tp.RULES if "health_check" in n}


@pytest.mark.django_db
def test_mine(users, clients, community, monkeypatch):
    patterns = [(n, p) for n, p in tp.walk() if n in MINE]
    assert len(patterns) == 5
    monkeypatch.setattr(tp, "walk", lambda *a, **k: iter(patterns))
    tp.test_permission_matrix(users, clients, community)
