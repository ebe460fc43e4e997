"""Pages of applications, by sub-domain (as the services and the tests)."""

from .decisions import (
    change_decision_view,
    decide_delegated_view,
    decide_view,
    minutes_extract_view,
)
from .drafting import (
    application_create_view,
    application_edit_view,
    attachment_download_view,
    attachment_upload_view,
    live_check_view,
    participants_view,
)
from .lifecycle import (
    application_detail,
    recommend_view,
    return_view,
    review_view,
    submit_view,
    withdraw_view,
)
from .listing import application_list_view
from .meetings import (
    agenda_add_view,
    agenda_move_view,
    agenda_remove_view,
    decision_basis_view,
    item_decide_view,
    meeting_create_view,
    meeting_detail,
    meeting_list_view,
    minutes_approve_view,
    paragraph_counter_view,
    report_delegated_view,
)
from .review import (
    assign_view,
    conflict_clear_view,
    conflict_view,
    criteria_view,
    ranking_view,
    score_view,
)

__all__ = [
    "agenda_add_view",
    "agenda_move_view",
    "agenda_remove_view",
    "application_create_view",
    "application_detail",
    "application_edit_view",
    "application_list_view",
    "assign_view",
    "attachment_download_view",
    "attachment_upload_view",
    "change_decision_view",
    "conflict_clear_view",
    "conflict_view",
    "criteria_view",
    "decide_delegated_view",
    "decide_view",
    "decision_basis_view",
    "item_decide_view",
    "live_check_view",
    "meeting_create_view",
    "meeting_detail",
    "meeting_list_view",
    "minutes_approve_view",
    "minutes_extract_view",
    "paragraph_counter_view",
    "participants_view",
    "ranking_view",
    "recommend_view",
    "report_delegated_view",
    "return_view",
    "review_view",
    "score_view",
    "submit_view",
    "withdraw_view",
]
