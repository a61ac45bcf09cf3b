"""The shadowing pages: the list, an offer (with its interest form, or its author's answers),
an interest (private to the two people), posting and editing, and moderators' hiding."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from forum.buttons import press, with_reason
from forum.errors import DomainError, NotFound
from forum.forms import BaseForm, show_error
from forum.ratelimits import allow
from forum.resources.queries import choices
from forum.shadowing import policy, queries, services
from forum.shadowing.forms import DoneForm, FilterForm, HideForm, InterestForm, OfferForm
from forum.shadowing.models import KIND_LABELS, OfferKind, ShadowingInterest, ShadowingOffer

bp = Blueprint("shadowing", __name__, url_prefix="/shadowing")


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(shadowing_policy=policy, shadowing_kinds=KIND_LABELS)


@bp.before_request
@login_required
def _members_only():
    """Every shadowing page is for signed-in members."""
    policy.require_member(current_user)


def _today() -> date:
    return services.london_today()


def load_offer(offer_id: int) -> ShadowingOffer:
    offer = queries.get_offer(offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    policy.require_view(current_user, offer)
    return offer


def load_interest(interest_id: int) -> ShadowingInterest:
    interest = queries.get_interest(interest_id)
    if interest is None:
        raise NotFound("No such page.")
    policy.require_party(current_user, interest)
    return interest


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), 1000)


@bp.get("")
def index():
    _, alliances, professions = choices()
    form = FilterForm(formdata=request.args)
    form.set_choices(alliances, professions)
    offers, more = queries.listing(current_user, today=_today(), page=_page(), **form.clean())
    return render_template("shadowing/index.html", offers=offers, more=more, form=form,
                           page=_page(), today=_today())


def _offer_form(offer: ShadowingOffer | None = None) -> OfferForm:
    form = OfferForm(obj=offer) if offer else OfferForm()
    _, alliances, professions = choices()
    form.set_choices(alliances, professions)
    if offer is not None and request.method == "GET":
        form.kind.data = offer.kind.value
        form.profession.data, form.alliance.data = offer.profession_id, offer.alliance_id
    elif offer is None and request.method == "GET":
        if request.args.get("kind") == OfferKind.REQUEST:
            form.kind.data = OfferKind.REQUEST.value
        form.organisation.data = current_user.organisation
        form.alliance.data, form.profession.data = current_user.alliance_id, current_user.profession_id
    return form


def _input(form: OfferForm) -> services.OfferInput:
    _, alliances, professions = choices()
    return services.OfferInput(
        kind=OfferKind(form.kind.data), title=form.title.data or "",
        expires_on=form.expires_on.data,
        profession=next((p for p in professions if p.id == form.profession.data), None),
        alliance=next((a for a in alliances if a.id == form.alliance.data), None),
        organisation=form.organisation.data or "", what_you_see=form.what_you_see.data or "",
        availability=form.availability.data or "", places=form.places.data,
        contact_details=form.contact_details.data or "")


@bp.route("/new", methods=["GET", "POST"])
def new_offer():
    form = _offer_form()
    if form.validate_on_submit():
        try:
            offer = services.create_offer(current_user, _input(form), today=_today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Posted. We will tell you when someone is interested.", "success")
            return redirect(url_for("shadowing.show_offer", offer_id=offer.id), 303)
    return render_template("shadowing/form.html", form=form, offer=None), \
        422 if form.errors or form.form_errors else 200


@bp.route("/<int:offer_id>/edit", methods=["GET", "POST"])
def edit_offer(offer_id: int):
    offer = load_offer(offer_id)
    policy.require_edit(current_user, offer)
    form = _offer_form(offer)
    if form.validate_on_submit():
        try:
            services.edit_offer(current_user, offer, _input(form), today=_today())
        except DomainError as error:
            show_error(form, error)
        else:
            flash("Changes saved.", "success")
            return redirect(url_for("shadowing.show_offer", offer_id=offer.id), 303)
    return render_template("shadowing/form.html", form=form, offer=offer), \
        422 if form.errors or form.form_errors else 200


def _offer_page(offer: ShadowingOffer, form: InterestForm | None = None, status: int = 200):
    mine = policy.can_edit(current_user, offer)
    return render_template(
        "shadowing/offer.html", offer=offer, today=_today(),
        interests=queries.interests(offer) if mine else [],
        interest=None if mine else queries.interest_of(current_user, offer),
        form=form or InterestForm(), action_form=BaseForm()), status


@bp.get("/<int:offer_id>")
def show_offer(offer_id: int):
    return _offer_page(load_offer(offer_id))


@bp.post("/<int:offer_id>/interest")
def express_interest(offer_id: int):
    offer = load_offer(offer_id)
    form = InterestForm()
    if not form.validate_on_submit():
        return _offer_page(offer, form, 422)
    if not allow("shadowing_interest", str(current_user.id)):
        form.message.errors = ["You have sent a lot of these recently. Wait an hour and try "
                               "again: your message is still here."]
        return _offer_page(offer, form, 429)
    try:
        interest = services.express_interest(current_user, offer, message=form.message.data or "",
                                             contact_details=form.contact_details.data or "",
                                             today=_today())
    except DomainError as error:
        show_error(form, error)
        return _offer_page(offer, form, 422)
    flash("Sent. We will tell you when they answer.", "success")
    return redirect(url_for("shadowing.show_interest", interest_id=interest.id), 303)


def _offer_action(offer_id: int, action, done: str):
    offer = load_offer(offer_id)
    return press(lambda: action(offer), done=done,
                 back=url_for("shadowing.show_offer", offer_id=offer.id))


@bp.post("/<int:offer_id>/close")
def close_offer(offer_id: int):
    return _offer_action(offer_id, lambda o: services.close_offer(current_user, o),
                         "Closed: no one else can express interest.")


@bp.post("/<int:offer_id>/unhide")
def unhide_offer(offer_id: int):
    return _offer_action(offer_id, lambda o: services.unhide_offer(current_user, o), "Shown again.")


@bp.route("/<int:offer_id>/hide", methods=["GET", "POST"])
def hide_offer(offer_id: int):
    offer = load_offer(offer_id)
    policy.require_moderator(current_user)
    return with_reason(
        HideForm(), lambda reason: services.hide_offer(current_user, offer, reason=reason),
        done="Hidden. Its author has been told why.",
        back=url_for("shadowing.show_offer", offer_id=offer.id), template="shadowing/hide.html",
        offer=offer)


def _interest_page(interest: ShadowingInterest, form: DoneForm | None = None, status: int = 200):
    form = form or DoneForm(visit_date=interest.visit_date, hours=interest.hours)
    return render_template("shadowing/interest.html", interest=interest, offer=interest.offer,
                           form=form, action_form=BaseForm(),
                           author=current_user.id == interest.offer.author_id), status


@bp.get("/interests/<int:interest_id>")
def show_interest(interest_id: int):
    return _interest_page(load_interest(interest_id))


def _interest_action(interest_id: int, action, done: str):
    interest = load_interest(interest_id)
    return press(lambda: action(interest), done=done,
                 back=url_for("shadowing.show_interest", interest_id=interest.id))


@bp.post("/interests/<int:interest_id>/accept")
def accept_interest(interest_id: int):
    return _interest_action(interest_id, lambda i: services.accept_interest(current_user, i),
                            "Accepted. You can now see each other's contact details.")


@bp.post("/interests/<int:interest_id>/decline")
def decline_interest(interest_id: int):
    return _interest_action(interest_id, lambda i: services.decline_interest(current_user, i),
                            "Declined. We have let them know.")


@bp.post("/interests/<int:interest_id>/withdraw")
def withdraw_interest(interest_id: int):
    return _interest_action(interest_id, lambda i: services.withdraw_interest(current_user, i),
                            "Withdrawn.")


@bp.post("/interests/<int:interest_id>/done")
def mark_done(interest_id: int):
    interest = load_interest(interest_id)
    form = DoneForm()
    if not form.validate_on_submit():
        return _interest_page(interest, form, 422)
    try:
        services.mark_visit_done(current_user, interest, visit_date=form.visit_date.data,
                                 hours=float(form.hours.data) if form.hours.data is not None else None,
                                 today=_today())
    except DomainError as error:
        show_error(form, error)
        return _interest_page(interest, form, 422)
    flash("Visit completed: you can add it to your CPD log." if interest.completed_at
          else "Marked done. When the other person marks it done too, it is complete.", "success")
    return redirect(url_for("shadowing.show_interest", interest_id=interest.id), 303)


@bp.get("/mine")
def mine():
    return render_template("shadowing/mine.html", offers=queries.my_offers(current_user.id),
                           interests=queries.my_interests(current_user.id), today=_today())
