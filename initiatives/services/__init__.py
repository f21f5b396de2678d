"""
Everything that changes a dream, its timeline or its mail goes through here.

Each service is keyword-only, runs in one transaction, locks the dream row before
it reads the status, and records what happened on the timeline. One module per concern
(docs/architecture.md lists them); this package keeps the one import surface:
`services.dream_pick_up(...)` wherever the service lives.
"""

from initiatives.services._core import ESSENTIAL_EVENTS, is_dream_contact
from initiatives.services.accountability import (
    accountability_accept,
    accountability_ask,
    accountability_submit,
    grant_mark_paid,
)
from initiatives.services.addresses import (
    AddressImport,
    address_is_household,
    address_register_import,
)
from initiatives.services.application_decisions import (
    application_advise,
    application_decide,
    application_frame_check,
    is_platform_chair,
)
from initiatives.services.applications import (
    ORGANISATION_KEYS,
    application_fund_refusal,
    application_problems,
    application_submit,
    kvk_number_clean,
)
from initiatives.services.assembly_invitations import (
    assembly_feature_remove,
    assembly_feature_save,
    assembly_frozen_fields,
    assembly_save,
    invitation_draw_announce,
    invitation_draw_perform,
)
from initiatives.services.assembly_life import (
    assembly_end,
    assembly_meeting_save,
    assembly_outcome_save,
    assembly_panel_members,
)
from initiatives.services.assembly_outcomes import (
    assembly_outcome_to_dream,
    participant_public_name,
)
from initiatives.services.assembly_panel import (
    panel_draw_announce,
    panel_draw_perform,
    participant_decline,
    replacement_draw,
)
from initiatives.services.assembly_registration import (
    CodeRefused,
    RegistrationClosed,
    participant_register,
    registration_code_check,
    registration_require_open,
)
from initiatives.services.decisions import decision_propose, decision_sign
from initiatives.services.dilemmas import (
    DISCUSSED_OUTCOMES,
    dilemma_discuss,
    dilemma_from_review,
    dilemma_problems,
    dilemma_record,
    outcome_problems,
)
from initiatives.services.dreams import (
    dream_confirm,
    dream_hand_in,
    dream_links_revoke,
    dream_message_from_resident,
    dream_submit,
    dream_withdraw,
    pick_up_deadline,
    resident_may_write,
    service_promises_ensure,
)
from initiatives.services.exports import (
    dreams_csv_bytes,
    export_build,
    export_request,
    exports_discard,
    exports_sweep,
)
from initiatives.services.funds import (
    FundYearExists,
    fund_frame_errors,
    fund_save_frame,
    fund_start_year,
)
from initiatives.services.grants import grant_create, grant_decide, grant_for_application
from initiatives.services.keeping_informed import (
    notification_mode_set,
    outbox_digest_send,
    promises_check,
    silence_rule_apply,
    staff_notification_mode_set,
)
from initiatives.services.partners import (
    PARTNER_LINK_REFUSALS,
    PartnerInvitationSent,
    PartnerLinkRefused,
    dream_share_with_partners,
    organisation_save,
    partner_contribution,
    partner_invitation_withdraw,
    partner_invite,
    partner_link,
    partner_link_days,
    partner_message,
)
from initiatives.services.paspoort import (
    PASPOORT_MAX_PARTS,
    paspoort_part_add,
    paspoort_part_remove,
    paspoort_part_revise,
)
from initiatives.services.plans import (
    contribution_record,
    contribution_withdraw,
    plan_need_add,
    plan_need_change,
    plan_need_remove,
)
from initiatives.services.platforms import (
    INVITATION_DAYS,
    INVITATION_REFUSALS,
    InvitationSent,
    agenda_item_add,
    agenda_item_edit,
    agenda_item_link_dream,
    agenda_item_mark_done,
    agenda_item_move,
    agenda_item_unlink_dream,
    dream_share_with_platform,
    platform_invitation_withdraw,
    platform_invite,
    platform_join,
    platform_leave,
)
from initiatives.services.privacy import (
    audit_record,
    months_before,
    resident_erase,
    retention_apply,
)
from initiatives.services.report_days import report_days_forget, report_days_store
from initiatives.services.reviews import review_record
from initiatives.services.sign_in import (
    dream_link_build,
    resident_get_or_create,
    sign_in_link_build,
    sign_in_link_request,
    sign_in_link_send,
    sign_in_link_user,
)
from initiatives.services.situation import situation_record
from initiatives.services.weekly_report import last_monday, weekly_report_build, weekly_report_mail
from initiatives.services.workspace import (
    dream_add_note,
    dream_log_contact,
    dream_move,
    dream_pick_up,
    dream_send_message,
    dreams_hand_over,
    practice_update,
)

__all__ = [
    "DISCUSSED_OUTCOMES",
    "ESSENTIAL_EVENTS",
    "INVITATION_DAYS",
    "INVITATION_REFUSALS",
    "ORGANISATION_KEYS",
    "PARTNER_LINK_REFUSALS",
    "PASPOORT_MAX_PARTS",
    "AddressImport",
    "CodeRefused",
    "FundYearExists",
    "InvitationSent",
    "PartnerInvitationSent",
    "PartnerLinkRefused",
    "RegistrationClosed",
    "accountability_accept",
    "accountability_ask",
    "accountability_submit",
    "address_is_household",
    "address_register_import",
    "agenda_item_add",
    "agenda_item_edit",
    "agenda_item_link_dream",
    "agenda_item_mark_done",
    "agenda_item_move",
    "agenda_item_unlink_dream",
    "application_advise",
    "application_decide",
    "application_frame_check",
    "application_fund_refusal",
    "application_problems",
    "application_submit",
    "assembly_end",
    "assembly_feature_remove",
    "assembly_feature_save",
    "assembly_frozen_fields",
    "assembly_meeting_save",
    "assembly_outcome_save",
    "assembly_outcome_to_dream",
    "assembly_panel_members",
    "assembly_save",
    "audit_record",
    "contribution_record",
    "contribution_withdraw",
    "decision_propose",
    "decision_sign",
    "dilemma_discuss",
    "dilemma_from_review",
    "dilemma_problems",
    "dilemma_record",
    "dream_add_note",
    "dream_confirm",
    "dream_hand_in",
    "dream_link_build",
    "dream_links_revoke",
    "dream_log_contact",
    "dream_message_from_resident",
    "dream_move",
    "dream_pick_up",
    "dream_send_message",
    "dream_share_with_partners",
    "dream_share_with_platform",
    "dream_submit",
    "dream_withdraw",
    "dreams_csv_bytes",
    "dreams_hand_over",
    "export_build",
    "export_request",
    "exports_discard",
    "exports_sweep",
    "fund_frame_errors",
    "fund_save_frame",
    "fund_start_year",
    "grant_create",
    "grant_decide",
    "grant_for_application",
    "grant_mark_paid",
    "invitation_draw_announce",
    "invitation_draw_perform",
    "is_dream_contact",
    "is_platform_chair",
    "kvk_number_clean",
    "last_monday",
    "months_before",
    "notification_mode_set",
    "organisation_save",
    "outbox_digest_send",
    "outcome_problems",
    "panel_draw_announce",
    "panel_draw_perform",
    "participant_decline",
    "participant_public_name",
    "participant_register",
    "partner_contribution",
    "partner_invitation_withdraw",
    "partner_invite",
    "partner_link",
    "partner_link_days",
    "partner_message",
    "paspoort_part_add",
    "paspoort_part_remove",
    "paspoort_part_revise",
    "pick_up_deadline",
    "plan_need_add",
    "plan_need_change",
    "plan_need_remove",
    "platform_invitation_withdraw",
    "platform_invite",
    "platform_join",
    "platform_leave",
    "practice_update",
    "promises_check",
    "registration_code_check",
    "registration_require_open",
    "replacement_draw",
    "report_days_forget",
    "report_days_store",
    "resident_erase",
    "resident_get_or_create",
    "resident_may_write",
    "retention_apply",
    "review_record",
    "service_promises_ensure",
    "sign_in_link_build",
    "sign_in_link_request",
    "sign_in_link_send",
    "sign_in_link_user",
    "silence_rule_apply",
    "situation_record",
    "staff_notification_mode_set",
    "weekly_report_build",
    "weekly_report_mail",
]
