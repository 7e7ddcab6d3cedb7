"""Writes of complaint state (DESIGN §4.4, §11): intake (representatives), attachments, triage (HFS staff) and the
MCO's part (its proposal, the one extension, the provider's reply), around one workflow core (services/workflow.py:
events, the locked transition, the notices).

Each service runs in one transaction, writes its ComplaintEvent in it, and emails through the outbox.
"""

from complaints.services.attachments import (
    FileNotAvailable,
    attachment_add_draft,
    attachment_open_for_download,
    attachment_purge_stale_drafts,
    attachment_remove_draft,
)
from complaints.services.intake import (
    ComplaintDraft,
    complaint_answer_info_request,
    complaint_record_view,
    complaint_submit,
    complaint_withdraw,
    filing_representative,
    window_rules,
)
from complaints.services.mco import (
    extension_decide,
    extension_request,
    interim_post,
    mco_days_left,
    mco_deadline_notices_send,
    proposal_file_add,
    proposal_file_remove,
    proposal_reply,
    proposal_reply_deadline,
    proposal_save_draft,
    proposal_submit,
)
from complaints.services.triage import (
    complaint_assign,
    complaint_close,
    complaint_forward_to_mco,
    complaint_record_mco_answer,
    complaint_reopen,
    complaint_request_info,
    complaint_resolve,
    complaint_set_expedited,
    complaint_take,
    complaint_transfer,
)

__all__ = [
    "ComplaintDraft",
    "FileNotAvailable",
    "attachment_add_draft",
    "attachment_open_for_download",
    "attachment_purge_stale_drafts",
    "attachment_remove_draft",
    "complaint_answer_info_request",
    "complaint_assign",
    "complaint_close",
    "complaint_forward_to_mco",
    "complaint_record_mco_answer",
    "complaint_record_view",
    "complaint_reopen",
    "complaint_request_info",
    "complaint_resolve",
    "complaint_set_expedited",
    "complaint_submit",
    "complaint_take",
    "complaint_transfer",
    "complaint_withdraw",
    "extension_decide",
    "extension_request",
    "filing_representative",
    "interim_post",
    "mco_days_left",
    "mco_deadline_notices_send",
    "proposal_file_add",
    "proposal_file_remove",
    "proposal_reply",
    "proposal_reply_deadline",
    "proposal_save_draft",
    "proposal_submit",
    "window_rules",
]
