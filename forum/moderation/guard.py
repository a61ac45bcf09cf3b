"""The patient-data guard every form that saves member-written text runs before saving.

A view calls `check_patient_data(title=..., body=...)`. If `check.blocked`, it shows the form
again with `pid=check` (the template includes "moderation/_pid_guard.html", which shows each
finding highlighted and a box to tick: "I have checked: this contains no patient-identifiable
information"). Once the box is ticked, `check.hold` is the reason the service saves the post
as pending, so a moderator sees it in the queue before anyone else does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app, has_app_context, has_request_context, request
from markupsafe import Markup, escape

from forum.moderation.pid import Finding, describe, find_patient_data

CONFIRM_FIELD = "pid_confirmed"
CONFIRM_VALUE = "yes"
HOLD_NEW = "possible patient data"
HOLD_EDIT = "possible patient data in an edit"


@dataclass
class FieldCheck:
    name: str
    text: str
    findings: list[Finding]

    def highlighted(self) -> Markup:
        """The text, HTML-escaped, with each finding in <mark>."""
        parts: list[str] = []
        position = 0
        for finding in self.findings:
            parts.append(str(escape(self.text[position:finding.start])))
            parts.append(f'<mark class="pid-finding" title="{escape(finding.label)}">'
                         f"{escape(self.text[finding.start:finding.end])}</mark>")
            position = finding.end
        parts.append(str(escape(self.text[position:])))
        return Markup("".join(parts))  # noqa: S704  (every piece above is escaped)


@dataclass
class PatientDataCheck:
    fields: list[FieldCheck] = field(default_factory=list)
    confirmed: bool = False

    @property
    def findings(self) -> list[Finding]:
        return [f for check in self.fields for f in check.findings]

    @property
    def flagged(self) -> list[FieldCheck]:
        return [check for check in self.fields if check.findings]

    @property
    def blocked(self) -> bool:
        """Something was found and the writer has not yet confirmed it is safe."""
        return bool(self.findings) and not self.confirmed

    @property
    def hold(self) -> str:
        """The pending reason to save with ("" when nothing was found)."""
        return HOLD_NEW if self.findings and self.confirmed else ""

    def hold_for_edit(self, *, already_published: bool) -> str:
        if not (self.findings and self.confirmed):
            return ""
        return HOLD_EDIT if already_published else HOLD_NEW

    @property
    def summary(self) -> str:
        return describe(self.findings)

    def message(self) -> str:
        return (f"This may contain patient-identifiable information ({self.summary}). "
                f"Remove it, or tick the box to confirm it does not identify anyone.")


def hospital_patterns() -> Sequence[str] | None:
    """PID_HOSPITAL_NUMBER_PATTERNS from the configuration: each trust's own formats."""
    if not has_app_context():
        return None
    return current_app.config.get("PID_HOSPITAL_NUMBER_PATTERNS")


def confirmed_in_request() -> bool:
    return has_request_context() and request.form.get(CONFIRM_FIELD) == CONFIRM_VALUE


def check_patient_data(*, confirmed: bool | None = None, **texts: str | None) -> PatientDataCheck:
    """Run the detector over each named text (e.g. title=..., body=..., bio=...)."""
    patterns = hospital_patterns()
    checks = [FieldCheck(name, text or "", find_patient_data(text or "", patterns))
              for name, text in texts.items()]
    return PatientDataCheck(checks, confirmed_in_request() if confirmed is None else confirmed)
