"""The text a new installation starts with. Organisers edit it on the site (Organiser > Pages);
these defaults are inserted only where a page does not exist yet, never over an edit.

Plain English, short sentences, written for the people who use the forum. Where a detail
depends on the organisation running the forum (its name, its contact address), the text says
so, so the organisers see what to fill in before they open the forum to members.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultPage:
    slug: str
    title: str
    footer_label: str
    body: str


PRIVACY = """\
This notice explains what the Cancer CoP forum stores about you, why, how long we keep it and
who to contact about it. The forum is run by the organisers of the London cancer community of
practice. They are responsible for the information it holds.

# What we store

When you join, we store:

- your **email address**, so you can sign in and we can send you links to confirm your
  address or reset your password. Other members never see it;
- your **display name**, **profession**, **cancer alliance** and (if you give it) your
  **organisation**, which are shown beside your posts and on your profile;
- your **password**, stored only as a scrambled "hash" that cannot be turned back into the
  password. Nobody, including the organisers, can read it;
- the time you accepted the community guidelines, and whether you asked for the newsletter.

When you use the forum, we store:

- the **discussions and replies you write**, with earlier versions if you edit them;
- any **reports** you make about a post, and what moderators did about them;
- **notifications** for you (for example, when someone replies to you);
- a record of **moderators' and organisers' actions** (the audit log), such as hiding a post
  or changing a member's role, with who did it and why.

We use two cookies, both needed for the forum to work: one keeps you signed in while you use
the site, and one (only if you tick "Remember me") keeps you signed in on that device for up
to 30 days. We do not use advertising or tracking cookies, and we do not use analytics.

# What you must not post

Never post anything that could identify a patient: names, NHS numbers, hospital numbers,
dates of birth, addresses or a mix of details that together point to one person. The forum
checks posts for NHS numbers and similar details and asks you to remove them, but the
responsibility is yours. Read the [community guidelines](/community-guidelines).

# Why we store it

We store this information to run the forum for you and the community: to let you take part in
discussions, to keep the forum safe, and to contact you about your account. The lawful basis
is our legitimate interest in running a professional community of practice. The newsletter is
sent only if you ask for it, and you can stop it at any time on your account page.

# Who can see it

- Anyone can read the **public boards**. Only signed-in members can read members-only boards.
- Members can see your display name, profession, alliance, organisation and what you wrote
  about yourself.
- Moderators and organisers can also see your email address, the reports about your posts and
  the audit log.
- We do not sell or share your information. Email is sent through our email provider only to
  deliver messages to you.

# How long we keep it

- Your account and your posts are kept while your account is open.
- If you ask us to close your account, we remove your email address and profile details within
  one month. Your posts may stay so that discussions still make sense, shown without your
  details, unless you ask us to remove them too.
- Moderation records (reports and the audit log) are kept for as long as the forum runs,
  because they show how decisions about safety were made.
- Emails waiting to be sent are deleted once they have been sent.

# Your rights

You can see and change most of your details on your account page. You can ask us for a copy of
everything we hold about you, to correct it, or to delete it. You can also complain to the
Information Commissioner's Office (ico.org.uk) if you are unhappy with how we use your
information.

# Contact

Use the [contact page](/contact) to ask about your information or to close your account.
"""

ACCESSIBILITY = """\
This statement applies to the Cancer CoP forum. The forum is run by the organisers of the
London cancer community of practice. We want as many people as possible to be able to use it.
You should be able to:

- change colours, contrast levels and fonts using your browser or device settings;
- zoom in up to 400% without the text spilling off the screen;
- use the whole forum with a keyboard alone;
- use the whole forum without JavaScript;
- use the forum on a screen as narrow as 320 pixels (a small phone) without scrolling sideways;
- use the forum with a screen reader such as NVDA, JAWS or VoiceOver.

We have also made the text as simple as we can to understand.

# How accessible this website is

We aim to meet the Web Content Accessibility Guidelines (WCAG) version 2.2 at level AA. We know
some parts of the forum are not fully accessible:

- images that members add to posts are shown as links with their description, not as pictures;
- posts are written by members, so some may have unclear link text or headings in the wrong
  order;
- we have not yet tested the forum by hand with every screen reader.

# How we test the forum

Every change to the forum's software is tested before it is released. The tests open every kind
of page in a real browser (Chromium) and:

- check it with **axe**, an automated accessibility checker, against WCAG 2.0, 2.1 and 2.2 at
  levels A and AA and axe's best practices;
- check the HTML with the **Nu HTML Checker** (the W3C validator);
- check that it can be read at **320 pixels wide** without scrolling sideways;
- use **only the keyboard** to join, sign in, start a discussion, reply and report a post, and
  check that focus is always visible, that the first tab stop is a "Skip to main content" link
  and that form errors are listed in a summary that links to each field.

Automated checks find only some problems, so we also welcome your feedback.

# Feedback and contact information

If you find a problem with the forum's accessibility, or you need information on it in a
different format, tell us on the [contact page](/contact). We will reply within 5 working days.

# Enforcement procedure

The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector
Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018. If you are not
happy with how we respond to your complaint, contact the Equality Advisory and Support Service
(EASS).

# Compliance status

This website is partially compliant with the Web Content Accessibility Guidelines version 2.2
AA standard, because of the known issues listed above.

# Preparation of this statement

This statement was prepared when the forum was installed. The organisers review it at least
once a year and whenever the forum changes a lot.
"""

GUIDELINES = """\
The Cancer CoP forum is a place for people who care for people living with cancer in the
community across London to learn from each other. When you join, you agree to follow these
guidelines. Moderators may hide posts or suspend accounts that do not.

# Never identify a patient

- Do not post anything that could identify a patient: no names, initials, NHS or hospital
  numbers, dates of birth, addresses, photographs or rare details that together point to one
  person.
- Talk about situations in general terms ("a man in his 70s with a new diagnosis"), and
  change details that do not matter to your question.
- The forum checks posts for NHS numbers and similar details and asks you to take them out. If
  you see a post that identifies a patient, report it straight away.

# Be respectful

- Everyone here is learning, whatever their role or experience. Patient partners are full
  members of the community.
- Disagree with ideas, not people. Be kind, and assume good intentions.
- No bullying, harassment, discrimination or offensive language.
- Do not share other people's personal details, or post advertising or spam.

# Take care with clinical information

- What is said here is peer support and shared experience, not clinical advice for a
  particular patient. Follow your local policies and national guidance, and check with your
  team when you are unsure.
- Say where information comes from, and link to guidance (NICE, your cancer alliance, your
  trust) when you can.
- Do not use the forum for urgent matters. If a patient needs help now, use the usual
  clinical routes.

# Keep discussions useful

- Search before you ask: someone may have asked already.
- Choose the board, alliance and professions that fit, and give your discussion a clear title.
- Report a post if you think it breaks these guidelines. Moderators will look at it, and the
  person who wrote it is not told who reported it.

# If something goes wrong

Moderators may edit, hide or move posts and lock discussions to keep the forum safe. They tell
you why. If you disagree with a decision, use the [contact page](/contact).
"""

CONTACT = """\
The forum is run by the organisers of the London cancer community of practice.

# Get in touch

Email the organisers at organisers@cancercop.example. We aim to reply within 5 working days.

Organisers: replace this address with your own before you open the forum to members
(Organiser > Pages > Contact).

Tell us:

- about a problem with the forum, or with its accessibility;
- if you want a copy of your information, want it corrected, or want your account closed;
- if you disagree with a moderator's decision.

# Reporting a post

To tell moderators about a post that breaks the [community guidelines](/community-guidelines),
use the **Report** link under the post. This is the quickest way: moderators see reports first.

# Urgent clinical matters

Do not use the forum or this address for anything urgent about a patient. Use your usual
clinical routes.
"""

PAGES = (
    DefaultPage("privacy", "Privacy notice", "Privacy", PRIVACY),
    DefaultPage("accessibility", "Accessibility statement", "Accessibility", ACCESSIBILITY),
    DefaultPage("community-guidelines", "Community guidelines", "Community guidelines", GUIDELINES),
    DefaultPage("contact", "Contact us", "Contact", CONTACT),
)
SLUGS = tuple(p.slug for p in PAGES)
FIRST_HEADING = 2  # a page's only h1 is its title: its `#` headings are h2
