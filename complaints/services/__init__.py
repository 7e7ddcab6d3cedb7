"""Writes of complaint state (DESIGN §4.4): intake (representatives) and triage (HFS staff).

Each service runs in one transaction, writes its ComplaintEvent in it, and emails through the outbox.
"""

from complaints.services.intake import *  # noqa: F403
from complaints.services.intake import (  # noqa: F401 - the names other modules use
    ComplaintDraft,
    FileNotAvailable,
    _transition,
    attachment_add_draft,
    attachment_open_for_download,
    attachment_purge_stale_drafts,
    attachment_remove_draft,
    complaint_answer_info_request,
    complaint_record_view,
    complaint_resolve,
    complaint_submit,
    complaint_transition,
    complaint_withdraw,
    draft_problems,
    filing_representative,
    notify_submitter,
    window_rules,
)
from complaints.services.triage import (  # noqa: F401
    complaint_assign,
    complaint_close,
    complaint_forward_to_mco,
    complaint_record_mco_answer,
    complaint_reopen,
    complaint_request_info,
    complaint_resolve_with_notice,
    complaint_set_expedited,
    complaint_take,
    complaint_transfer,
)
