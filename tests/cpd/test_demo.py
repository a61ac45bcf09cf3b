"""The demo nurse's "My CPD" shows what the issue promises, from real attendance."""

from sqlalchemy import select

from forum.cpd import queries
from forum.cpd.models import Certificate, EntryStatus
from forum.demo import seed_demo
from forum.members.models import User
from tests import factories as f


def test_the_demo_nurse_has_a_realistic_cpd_record(db, client):
    assert seed_demo() is True
    nurse = db.session.scalar(select(User).where(User.email == "amara.okafor@nhs.net"))
    record = queries.entries(nurse)
    assert {e.source for e in record} == {"event", "own", "qi"}
    # Three from forum.cpd.seed, and the delirium webinar she attended (forum.events.seed_past).
    assert sum(e.source == "event" for e in record) == 4
    assert any(e.evidence_upload is not None for e in record)
    assert queries.entries(nurse, status=EntryStatus.SUGGESTED)[0].method == "shadowing"
    assert [r.is_draft for r in queries.reflections(nurse)] == [True]
    code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == nurse.id))
    assert "This certificate is genuine" in client.get(f"/certificates/{code}").get_data(as_text=True)
    f.sign_in(client, nurse)
    page = client.get("/cpd").get_data(as_text=True)
    assert "recognising neutropenic sepsis" in page and "Certificate (PDF)" in page
    assert "Shadowing the lymphoedema clinic" in page


def test_the_demo_physiotherapist_has_an_hcpc_profile_with_one_gap_explained(db, client):
    assert seed_demo() is True
    physio = db.session.scalar(select(User).where(User.email == "daniel.mensah@nhs.net"))
    f.sign_in(client, physio)
    page = client.get("/cpd/hcpc").get_data(as_text=True)
    assert "Explanation: Parental leave" in page and "not explained yet" in page
    assert "community rehabilitation team" in page
