"""The cohort: its page and targets, profiles, withdrawal and small-group suppression."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import add_member, error_messages, make_inquiry, make_user
from flask import g, render_template_string
from sqlalchemy import select

from inquiry import contributions
from inquiry.cohort import composition, services
from inquiry.extensions import db
from inquiry.formatting import uk_date
from inquiry.models import (
    AuditEvent,
    CohortTarget,
    Invitation,
    Membership,
    MembershipStatus,
    Role,
    WithdrawalPolicy,
    utcnow,
)
from inquiry.privacy import FEWER_THAN
from inquiry.security.links import new_nonce


def text_of(node) -> str:
    return " ".join(node.get_text().split())


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def cohort(app):
    """An inquiry with a researcher, five participants and two witnesses."""
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    people = {"researcher": researcher}
    members = {}
    profiles = [
        ("ann", "care_worker", "independent_care", "Northtown"),
        ("bea", "care_worker", "independent_care", "northtown "),
        ("cal", "care_worker", "nhs", "Northtown"),
        ("dev", "nurse", "nhs", "Southside"),
        ("eve", "", "", ""),
    ]
    for name, role, sector, locality in profiles:
        user = make_user(f"{name}@example.org")
        membership = add_member(inquiry, user, Role.PARTICIPANT)
        membership.professional_role = role
        membership.sector = sector
        membership.locality = locality
        people[name] = user
        members[name] = membership
    for name, experience in (("wyn", "receives_care"), ("wil", "family_or_friend")):
        user = make_user(f"{name}@example.org")
        membership = add_member(inquiry, user, Role.WITNESS)
        membership.lived_experience = experience
        people[name] = user
        members[name] = membership
    people["ann"].last_signed_in_at = utcnow()
    db.session.commit()
    return inquiry, people, members


def counts(breakdown: composition.Breakdown) -> dict[str, int | str]:
    return {group.label: group.count for group in breakdown.groups}


def by_dimension(result: composition.Composition) -> dict[str, composition.Breakdown]:
    return {b.dimension: b for b in result.breakdowns}


# Composition and suppression ------------------------------------------------------


def test_researchers_see_exact_counts(cohort):
    inquiry, _, _ = cohort
    result = services.who_is_taking_part(db.session, inquiry, reveal=True)
    breakdowns = by_dimension(result)
    assert (result.participants, result.witnesses) == (5, 2)
    assert counts(breakdowns["professional_role"]) == {
        "Care worker or personal assistant": 3,
        "Nurse": 1,
        "Not given": 1,
    }
    assert counts(breakdowns["sector"]) == {
        "NHS": 2,
        "Independent care provider": 2,
        "Not given": 1,
    }
    # Localities are typed freely; spelling and spaces do not split a place.
    assert counts(breakdowns["locality"]) == {"Northtown": 3, "Southside": 1, "Not given": 1}
    assert counts(breakdowns["lived_experience"]) == {
        "Receives care at home": 1,
        "Family member or friend arranging care": 1,
    }


def test_others_see_groups_smaller_than_three_as_fewer_than_3(cohort):
    inquiry, _, _ = cohort
    result = services.who_is_taking_part(db.session, inquiry, reveal=False)
    breakdowns = by_dimension(result)
    assert (result.participants, result.witnesses) == (5, FEWER_THAN)
    assert counts(breakdowns["professional_role"]) == {
        "Care worker or personal assistant": 3,
        "Nurse": FEWER_THAN,
        "Not given": FEWER_THAN,
    }
    assert set(counts(breakdowns["lived_experience"]).values()) == {FEWER_THAN}
    assert all(group.target is None for b in result.breakdowns for group in b.groups)


def test_withdrawn_members_are_not_counted(cohort):
    inquiry, people, members = cohort
    services.withdraw(db.session, members["dev"], actor=people["dev"], now=utcnow())
    db.session.commit()
    result = services.who_is_taking_part(db.session, inquiry, reveal=True)
    assert result.participants == 4
    assert "Nurse" not in counts(by_dimension(result)["professional_role"])


def test_targets_show_gaps_even_for_empty_groups(cohort):
    inquiry, people, _ = cohort
    services.set_target(
        db.session,
        inquiry,
        dimension="professional_role",
        value="care_worker",
        minimum=5,
        actor=people["researcher"],
    )
    services.set_target(
        db.session,
        inquiry,
        dimension="professional_role",
        value="social_worker",
        minimum=2,
        actor=people["researcher"],
    )
    services.set_target(
        db.session,
        inquiry,
        dimension="locality",
        value="NORTHTOWN",
        minimum=3,
        actor=people["researcher"],
    )
    db.session.commit()
    result = services.who_is_taking_part(db.session, inquiry, reveal=True)
    groups = {g.label: g for g in by_dimension(result)["professional_role"].groups}
    assert (
        groups["Care worker or personal assistant"].target,
        groups["Care worker or personal assistant"].short,
    ) == (5, 2)
    assert (groups["Social worker"].count, groups["Social worker"].short) == (0, 2)
    locality = {g.label: g for g in by_dimension(result)["locality"].groups}
    assert (locality["Northtown"].target, locality["Northtown"].short) == (3, 0)
    assert [(b.label, g.label) for b, g in result.gaps] == [
        ("Professional role", "Care worker or personal assistant"),
        ("Professional role", "Social worker"),
    ]
    # Members see neither targets nor groups that exist only because of one.
    hidden = services.who_is_taking_part(db.session, inquiry, reveal=False)
    assert "Social worker" not in counts(by_dimension(hidden)["professional_role"])


def render_partial(app, template: str, user, inquiry, **context) -> str:
    from flask_login import login_user

    with app.test_request_context(f"/inquiries/{inquiry.id}"):
        login_user(user)
        from inquiry import policy

        g.membership = policy.membership_of(user, inquiry)
        return render_template_string(
            '{% include "' + template + '" %}', inquiry=inquiry, **context
        )


def test_who_is_taking_part_partial_suppresses_for_members(app, cohort):
    inquiry, people, _ = cohort
    taking_part = services.who_is_taking_part(db.session, inquiry, reveal=False)
    html = render_partial(
        app, "cohort/_who_is_taking_part.html", people["ann"], inquiry, taking_part=taking_part
    )
    assert "Who is taking part" in html
    assert "fewer than 3" in html
    assert "5 participants and fewer than 3 witnesses." in " ".join(html.split())
    # No names, and no targets.
    assert "Ann" not in html and "Dev" not in html
    assert "Target" not in html

    revealed = services.who_is_taking_part(db.session, inquiry, reveal=True)
    html = render_partial(
        app,
        "cohort/_who_is_taking_part.html",
        people["researcher"],
        inquiry,
        taking_part=revealed,
    )
    assert "fewer than 3" not in html
    assert "See the cohort and its targets" in html


def test_who_is_taking_part_empty_state(app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    taking_part = services.who_is_taking_part(db.session, inquiry, reveal=True)
    html = render_partial(
        app, "cohort/_who_is_taking_part.html", researcher, inquiry, taking_part=taking_part
    )
    assert "Nobody has joined as a participant or witness yet." in html


def test_my_profile_partial(app, cohort):
    inquiry, people, members = cohort
    members["dev"].organisation = "Southside <Community> Trust"
    members["wil"].display_name = "Will"
    db.session.commit()
    html = render_partial(app, "cohort/_my_profile.html", people["dev"], inquiry)
    assert "Your profile" in html
    assert "Nurse" in html
    assert "Southside &lt;Community&gt; Trust" in html
    assert f"/inquiries/{inquiry.id}/profile" in html
    assert f"/inquiries/{inquiry.id}/withdraw" in html
    html = render_partial(app, "cohort/_my_profile.html", people["wil"], inquiry)
    assert "Will" in html and "Family member or friend arranging care" in html
    # Researchers have no profile here.
    assert (
        render_partial(app, "cohort/_my_profile.html", people["researcher"], inquiry).strip() == ""
    )


# The cohort page --------------------------------------------------------------------


def test_cohort_page_shows_composition_gaps_invitations_and_sign_in(client_request, cohort):
    inquiry, people, _ = cohort
    services.set_target(
        db.session,
        inquiry,
        dimension="professional_role",
        value="nurse",
        minimum=3,
        actor=people["researcher"],
    )
    db.session.add(
        Invitation(
            inquiry_id=inquiry.id,
            email="fay@example.org",
            role=Role.PARTICIPANT,
            nonce=new_nonce(),
            profile={"name": "Fay Example"},
            created_at=utcnow() - timedelta(days=4),
            expires_at=utcnow() + timedelta(days=10),
        )
    )
    db.session.commit()
    page = client_request.login(people["researcher"]).get(f"/inquiries/{inquiry.id}/cohort")
    assert text_of(page.h1) == "Cohort"
    warning = text_of(page.select_one(".govuk-warning-text"))
    assert "Professional role, Nurse: 2 short of at least 3" in warning
    assert "2 short" in [text_of(tag) for tag in page.select(".govuk-tag--red")]
    body = text_of(page)
    assert "fay@example.org Fay Example Participant" in body
    assert "(4 days ago)" in body
    not_signed = page.find("h2", string="Not signed in yet (7)")
    assert not_signed is not None
    listed = text_of(not_signed.find_next("ul"))
    assert "Bea" in listed and "Ann" not in listed
    assert "Participants (5)" in body and "Witnesses (2)" in body


def test_cohort_page_lists_members_with_links_to_their_pages(client_request, cohort):
    inquiry, people, members = cohort
    people["bea"].name = "bea lowercase"
    members["eve"].organisation = "Eastside Care"
    members["eve"].named_in_report = True
    members["eve"].professional_role = "other"
    members["eve"].professional_role_other = "Dentist <b>"
    members["wyn"].display_name = "W."
    members["wyn"].access_needs = "Step-free access"
    for name, days_ago in (("cal", 3), ("dev", 1)):
        members[name].status = MembershipStatus.WITHDRAWN
        members[name].withdrawn_at = utcnow() - timedelta(days=days_ago)
    members["cal"].erased_at = utcnow()
    db.session.commit()
    base = f"/inquiries/{inquiry.id}/cohort/members"
    page = client_request.login(people["researcher"]).get(f"/inquiries/{inquiry.id}/cohort")

    participants, witnesses = (
        page.find("caption", string=caption).find_parent("table")
        for caption in ("Participants", "Witnesses")
    )
    rows = [[text_of(cell) for cell in row.select("td")] for row in participants.tbody.select("tr")]
    # By name, whatever the case.
    assert [row[0] for row in rows] == ["Ann", "bea lowercase", "Eve"]
    assert rows[2][:6] == [
        "Eve",
        "Other: Dentist <b>",
        "Not given",
        "Eastside Care",
        "Not given",
        "Yes",
    ]
    for row, name in zip(participants.tbody.select("tr"), ("ann", "bea", "eve"), strict=True):
        membership_id = members[name].id
        assert [a["href"] for a in row.select("a")] == [
            f"{base}/{membership_id}/profile",
            f"{base}/{membership_id}/withdraw",
            f"{base}/{membership_id}/erase",
        ]
    rows = [[text_of(cell) for cell in row.select("td")] for row in witnesses.tbody.select("tr")]
    assert [row[:4] for row in rows] == [
        ["Wil", "Wil", "Family member or friend arranging care", "None given"],
        ["Wyn", "W.", "Receives care at home", "Yes: see profile"],
    ]

    withdrawn = page.find("h2", string="Withdrawn (2)").find_next("ul")
    assert [text_of(item) for item in withdrawn.select("li")] == [
        f"Dev (participant, withdrew {uk_date(members['dev'].withdrawn_at)}): "
        "erase personal data of Dev",
        f"Erased member (participant, personal data erased {uk_date(members['cal'].erased_at)})",
    ]
    assert withdrawn.a["href"] == f"{base}/{members['dev'].id}/erase"


def test_the_cohort_page_counts_from_rows_as_from_members(cohort):
    inquiry, people, _ = cohort
    services.set_target(
        db.session, inquiry, dimension="locality", value="Westfield", minimum=2, actor=people["ann"]
    )
    members = {
        role: composition.active_members(db.session, inquiry, role)
        for role in (Role.PARTICIPANT, Role.WITNESS)
    }
    targets = composition.targets_of(db.session, inquiry)
    for reveal in (True, False):
        built = composition.build(db.session, inquiry, reveal=reveal)
        assert built == composition.build_from(members, targets, reveal=reveal)


def test_cohort_page_empty_states(client_request, app):
    researcher = make_user("rhiannon.researcher@example.org", researcher=True)
    inquiry = make_inquiry(researcher)
    page = client_request.login(researcher).get(f"/inquiries/{inquiry.id}/cohort")
    body = text_of(page)
    assert "Nobody has joined as a participant yet." in body
    assert "There are no pending invitations." in body
    assert page.select_one(".govuk-warning-text") is None


@pytest.mark.parametrize("who", ["ann", "wyn"])
def test_cohort_page_is_for_researchers_only(client_request, cohort, who):
    inquiry, people, _ = cohort
    client_request.login(people[who]).get(f"/inquiries/{inquiry.id}/cohort", expected_status=403)


# Targets --------------------------------------------------------------------------


def test_add_change_and_remove_a_target(client_request, cohort):
    inquiry, people, _ = cohort
    client_request.login(people["researcher"])
    url = f"/inquiries/{inquiry.id}/cohort/targets"
    page = client_request.get(url)
    assert "There are no targets yet" in text_of(page)
    client_request.post_redirect(url, {"group": "professional_role:care_worker", "minimum": "3"})
    client_request.post_redirect(url, {"group": "professional_role:care_worker", "minimum": "6"})
    client_request.post_redirect(
        url, {"group": "locality:", "locality": "Northtown", "minimum": "2"}
    )
    client_request.post_redirect(
        url, {"group": "locality:", "locality": " northtown", "minimum": "4"}
    )
    targets = db.session.scalars(select(CohortTarget).order_by(CohortTarget.id)).all()
    assert [(t.dimension, t.value, t.minimum) for t in targets] == [
        ("professional_role", "care_worker", 6),
        ("locality", "Northtown", 4),
    ]
    assert len(events("cohort.target_set")) == 4

    page = client_request.get(url + f"?target={targets[1].id}")
    assert page.select_one("#locality")["value"] == "Northtown"
    assert page.select_one("#minimum")["value"] == "4"

    removed_id = targets[0].id
    remove = f"/inquiries/{inquiry.id}/cohort/targets/{removed_id}/remove"
    page = client_request.get(remove)
    assert (
        text_of(page.h1)
        == "Remove the target for Professional role: Care worker or personal assistant?"
    )
    client_request.post_redirect(remove, {})
    assert db.session.get(CohortTarget, removed_id) is None
    assert len(events("cohort.target_removed")) == 1


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Choose a group for the target", "Enter how many people you want at least"]),
        (
            {"group": "professional_role:astronaut", "minimum": "3"},
            ["Choose a group for the target"],
        ),
        ({"group": "locality:", "minimum": "3"}, ["Enter the locality"]),
        ({"group": "sector:nhs", "minimum": "three"}, ["Enter a whole number, like 3"]),
        ({"group": "sector:nhs", "minimum": "0"}, ["Enter a number between 1 and 500"]),
        ({"group": "sector:nhs", "minimum": "٣"}, ["Enter a whole number, like 3"]),
    ],
)
def test_bad_targets_are_refused(client_request, cohort, data, errors):
    inquiry, people, _ = cohort
    page = client_request.login(people["researcher"]).post(
        f"/inquiries/{inquiry.id}/cohort/targets", data
    )
    assert error_messages(page) == errors
    assert db.session.scalars(select(CohortTarget)).all() == []


def test_a_target_of_another_inquiry_is_not_found(client_request, cohort):
    inquiry, people, _ = cohort
    other = make_inquiry(people["researcher"], title="Another inquiry")
    target = CohortTarget(inquiry_id=other.id, dimension="sector", value="nhs", minimum=2)
    db.session.add(target)
    db.session.commit()
    client_request.login(people["researcher"])
    client_request.get(
        f"/inquiries/{inquiry.id}/cohort/targets/{target.id}/remove", expected_status=404
    )
    client_request.get(
        f"/inquiries/{inquiry.id}/cohort/targets?target={target.id}", expected_status=404
    )
    assert db.session.get(CohortTarget, target.id) is not None


# Profiles ---------------------------------------------------------------------------


def test_a_participant_edits_their_own_profile(client_request, cohort):
    inquiry, people, members = cohort
    client_request.login(people["eve"])
    url = f"/inquiries/{inquiry.id}/profile"
    page = client_request.get(url)
    assert text_of(page.h1) == "Your profile"
    assert "Being named in the report" in text_of(page)
    location = client_request.post_redirect(
        url,
        {
            "professional_role": "other",
            "professional_role_other": "Community connector",
            "sector": "voluntary",
            "organisation": "Northtown Neighbours",
            "locality": "Northtown",
            "named_in_report": "y",
        },
    )
    assert location.endswith(f"/inquiries/{inquiry.id}")
    membership = db.session.get(Membership, members["eve"].id)
    assert (
        membership.professional_role,
        membership.professional_role_other,
        membership.sector,
        membership.organisation,
        membership.locality,
        membership.named_in_report,
    ) == ("other", "Community connector", "voluntary", "Northtown Neighbours", "Northtown", True)
    event = events("membership.profile_updated")[-1]
    assert event.details["by_member"] is True
    assert "Community connector" not in str(event.details)  # field names, never values
    assert "professional_role_other" in event.details["fields"]

    # Choosing another role drops the description; unticking withdraws consent to be named.
    client_request.post_redirect(
        url, {"professional_role": "nurse", "professional_role_other": "x"}
    )
    membership = db.session.get(Membership, members["eve"].id)
    assert (membership.professional_role, membership.professional_role_other) == ("nurse", "")
    assert membership.named_in_report is False


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({"professional_role": "other"}, ["Describe the professional role"]),
        ({"professional_role": "astronaut"}, ["Select one of the options for professional role"]),
        ({"sector": "moon"}, ["Select one of the options for sector"]),
        ({"organisation": "x" * 201}, ["Organisation must be 200 characters or fewer"]),
    ],
)
def test_bad_profile_answers_are_refused_and_kept(client_request, cohort, data, errors):
    inquiry, people, members = cohort
    page = client_request.login(people["ann"]).post(f"/inquiries/{inquiry.id}/profile", data)
    assert error_messages(page) == errors
    assert db.session.get(Membership, members["ann"].id).professional_role == "care_worker"


def test_a_witness_edits_their_profile(client_request, cohort):
    inquiry, people, members = cohort
    inquiry.safeguarding_contact = "Jo Bloggs, 0161 496 0000"
    db.session.commit()
    client_request.login(people["wyn"])
    url = f"/inquiries/{inquiry.id}/profile"
    page = client_request.get(url)
    assert "made-up name" in text_of(page)
    assert "Jo Bloggs, 0161 496 0000" in text_of(page)
    assert page.select_one("input[name=named_in_report]") is None
    client_request.post_redirect(
        url,
        {
            "lived_experience": "other",
            "lived_experience_other": "Neighbour who helps every day",
            "display_name": "Win",
            "access_needs": "Step-free access\r\nand breaks",
            "support_contact": "My daughter, 07700 900000",
        },
    )
    membership = db.session.get(Membership, members["wyn"].id)
    assert membership.lived_experience == "other"
    assert membership.lived_experience_other == "Neighbour who helps every day"
    assert membership.public_name == "Win"
    assert membership.access_needs == "Step-free access\nand breaks"
    assert membership.support_contact == "My daughter, 07700 900000"
    page = client_request.post(url, {"lived_experience": "other"})
    assert error_messages(page) == ["Describe the experience of care"]


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.OBSERVER])
def test_other_roles_have_no_profile_page(client_request, cohort, role):
    inquiry, people, _ = cohort
    user = make_user(f"{role.value}@example.org")
    add_member(inquiry, user, role)
    client_request.login(user).get(f"/inquiries/{inquiry.id}/profile", expected_status=403)
    client_request.login(people["researcher"]).get(
        f"/inquiries/{inquiry.id}/profile", expected_status=403
    )


def test_a_researcher_edits_a_members_profile(client_request, cohort):
    inquiry, people, members = cohort
    client_request.login(people["researcher"])
    url = f"/inquiries/{inquiry.id}/cohort/members/{members['dev'].id}/profile"
    page = client_request.get(url)
    assert text_of(page.h1) == "Profile of Dev"
    assert page.select_one("input[name=professional_role][value=nurse]").has_attr("checked")
    client_request.post_redirect(url, {"professional_role": "doctor", "sector": "nhs"})
    membership = db.session.get(Membership, members["dev"].id)
    assert (membership.professional_role, membership.locality) == ("doctor", "")
    assert events("membership.profile_updated")[-1].details["by_member"] is False


def test_a_researcher_cannot_edit_profiles_outside_the_cohort(client_request, cohort):
    inquiry, people, _ = cohort
    other = make_inquiry(people["researcher"], title="Another inquiry")
    stranger = make_user("sam@example.org")
    foreign = add_member(other, stranger, Role.PARTICIPANT)
    researcher_membership = db.session.scalar(
        select(Membership).where(
            Membership.user_id == people["researcher"].id, Membership.inquiry_id == inquiry.id
        )
    )
    client_request.login(people["researcher"])
    for membership_id in (foreign.id, researcher_membership.id, 99999):
        client_request.get(
            f"/inquiries/{inquiry.id}/cohort/members/{membership_id}/profile", expected_status=404
        )
        client_request.get(
            f"/inquiries/{inquiry.id}/cohort/members/{membership_id}/withdraw",
            expected_status=404 if membership_id != researcher_membership.id else 200,
        )


# Withdrawal -------------------------------------------------------------------------


@pytest.fixture
def reflections_counter():
    counter = contributions.Counter(
        label="reflections",
        for_member=lambda session, membership: 3 if membership.user.name == "Dev" else 0,
    )
    contributions.register(counter)
    yield counter
    contributions.unregister(counter)


def test_a_researcher_withdraws_a_participant(client_request, cohort, reflections_counter):
    inquiry, people, members = cohort
    client_request.login(people["researcher"])
    url = f"/inquiries/{inquiry.id}/cohort/members/{members['dev'].id}/withdraw"
    page = client_request.get(url)
    assert text_of(page.h1) == "Withdraw Dev from the inquiry?"
    body = text_of(page)
    assert "Dev has contributed 3 reflections." in body
    assert "keeps the contributions of people who withdraw, without their name" in body

    members["dev"].named_in_report = True
    db.session.commit()
    location = client_request.post_redirect(url, {})
    assert location.endswith(f"/inquiries/{inquiry.id}/cohort")
    membership = db.session.get(Membership, members["dev"].id)
    assert membership.status == MembershipStatus.WITHDRAWN
    assert membership.withdrawn_at is not None
    assert membership.named_in_report is False
    event = events("membership.withdrawn")[-1]
    assert event.details == {
        "role": "participant",
        "by_member": False,
        "policy": "keep_anonymised",
    }
    # They no longer see the inquiry.
    client_request.login(people["dev"]).get(f"/inquiries/{inquiry.id}", expected_status=404)
    # The cohort page lists them as withdrawn.
    page = client_request.login(people["researcher"]).get(f"/inquiries/{inquiry.id}/cohort")
    assert "Withdrawn (1)" in text_of(page)
    # Withdrawing again changes nothing.
    page = client_request.get(url)
    assert "withdrew from the inquiry" in text_of(page)
    client_request.post(url, {})
    assert len(events("membership.withdrawn")) == 1


def test_withdrawal_explains_removal_and_no_contributions(client_request, cohort):
    inquiry, people, members = cohort
    inquiry.withdrawal_policy = WithdrawalPolicy.REMOVE
    db.session.commit()
    page = client_request.login(people["researcher"]).get(
        f"/inquiries/{inquiry.id}/cohort/members/{members['ann'].id}/withdraw"
    )
    body = text_of(page)
    assert "Ann has not contributed anything to the inquiry yet" in body
    assert "removes the contributions of people who withdraw" in body


def test_researchers_cannot_be_withdrawn_here(client_request, cohort):
    inquiry, people, _ = cohort
    colleague = make_user("colin.colleague@example.org", researcher=True)
    membership = add_member(inquiry, colleague, Role.RESEARCHER)
    client_request.login(people["researcher"])
    url = f"/inquiries/{inquiry.id}/cohort/members/{membership.id}/withdraw"
    page = client_request.get(url)
    assert text_of(page.h1) == "Colin Colleague cannot be withdrawn here"
    assert page.find("form", action=url) is None
    client_request.post(url, {})
    assert db.session.get(Membership, membership.id).status == MembershipStatus.ACTIVE
    with pytest.raises(services.CohortError):
        services.withdraw(db.session, membership, actor=people["researcher"], now=utcnow())


def test_a_witness_withdraws_themselves(client_request, cohort, app):
    inquiry, people, members = cohort
    client_request.login(people["wyn"])
    url = f"/inquiries/{inquiry.id}/withdraw"
    page = client_request.get(url)
    assert text_of(page.h1) == "Are you sure you want to leave this inquiry?"
    assert "You have not contributed anything" in text_of(page)
    location = client_request.post_redirect(url, {})
    assert location.endswith("/home")
    membership = db.session.get(Membership, members["wyn"].id)
    assert membership.status == MembershipStatus.WITHDRAWN
    assert events("membership.withdrawn")[-1].details["by_member"] is True
    client_request.get(f"/inquiries/{inquiry.id}", expected_status=404)
    client_request.get(url, expected_status=404)


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.OBSERVER])
def test_only_participants_and_witnesses_withdraw_themselves(client_request, cohort, role):
    inquiry, _, _ = cohort
    user = make_user(f"{role.value}@example.org")
    add_member(inquiry, user, role)
    client_request.login(user).post(f"/inquiries/{inquiry.id}/withdraw", {}, expected_status=403)
