"""Reads: querysets and figures that views and reports use. Nothing here changes data.

One module per concern; every name is re-exported here, so `selectors.staff_dream_list(...)`
and `from initiatives.selectors import weekly_figures` work wherever they are called from.

    reference       neighbourhoods, themes, MogelijkMakers, the service promises
    residents       a resident's own dreams and photos, the realised dreams shown to everyone
    dream_lists     the triage queue, overdue and silent dreams, the staff dream list
    dream_list_page one page of the staff dream list: seek pages, jumps, capped counts, ranking
    workspace       one dream for the workspace, its summary, photos, funds, decisions, approvals
    staff_workload  each MogelijkMaker's open, overdue and silent dreams
    staff_start     what waits for a staff member on their start page
    outbox          the mail outbox's figures for /health/
    report_days     the weekly report's days, each counted once from its history
    weekly_report   the weekly report's snapshot and figures
    platforms       neighbourhood platforms: members, the public agenda, the members' area
    privacy         a resident's data export, the dreams erasing would withdraw
    exports         the rows of a staff CSV export, and whose export is whose
    accountability  accounting for a grant: reports, their files, money per fund
    funds           the funds that take applications, a fund's state and years, the
                    managers' overview per fund and neighbourhood
    applications    the fund a resident applies to, the dreams it can ride on, a dream's
                    applications with their lines and answers
    application_decisions  what a platform's chair and staff read of applications to a fund
    dilemmas        dilemmas and exceptions: a dream's own, the managers' open and discussed
    situation       the question behind the question: a dream's situation mapped (the weekly
                    report counts those seen on location before the plan: weekly_report)
    paspoort        the paspoort as it reads now, every part with its versions
    peers           other installations' stories shown here ("Elders gelukt"), the peers to fetch
    plans           a dream's plan: per need what covers it and what is open, totals per
                    source (the weekly report counts partners' contributions: weekly_report)
    partners        partner organisations, a dream's invitations and helpers, and the dream
                    as a partner reads it through their link
    assembly_life   a citizens' assembly's meetings, outcomes, panel and pool (issue 18), and
                    the public part of its page
    assembly_registration  a citizens' assembly's public page and its registration form
    assemblies      citizens' assemblies: the list, one with its features, the invitation
                    lottery's pool, draw and letters (issue 18)
    stories         realised dreams their residents share: the gallery, a story, its photos,
                    the feed, the home page's newest; a dream's publication for its panels
    open_dreams     the dreams residents share with everyone, and the realised ones among
                    them as stories (issue 19: the open data API, the story pages)
    list_flags      whether a dream has applications, a plan, dilemmas, partners (read with
                    the dream): an empty list costs its selector no query
"""

from initiatives.selectors.accountability import (
    accountabilities_waiting,
    accountability_file_for_resident,
    accountability_file_for_staff,
    accountability_for_staff,
    application_for_applicant,
    grants_unpaid,
)
from initiatives.selectors.addresses import address_lookup, address_text
from initiatives.selectors.application_decisions import (
    application_for_platform,
    application_for_staff,
    applications_for_platform,
    applications_waiting_for_staff,
    platform_chaired_by,
)
from initiatives.selectors.applications import (
    application_dreams,
    application_for_resident,
    applications_for_dream,
    fund_for_application,
)
from initiatives.selectors.assemblies import (
    Letter,
    assembly_feature_of,
    assembly_list,
    assembly_of,
    invitation_draw,
    invitation_draw_public_url,
    invitation_letters,
    invitation_pool,
    invitation_pool_size,
    registration_url,
)
from initiatives.selectors.assembly_draws import (
    draw_publication,
    public_draw,
    public_draws_of,
)
from initiatives.selectors.assembly_life import (
    Pool,
    PoolRow,
    PublicLife,
    PublicOutcome,
    assembly_meeting_of,
    assembly_meetings,
    assembly_outcome_of,
    assembly_outcomes,
    assembly_panel,
    assembly_pool,
    assembly_pool_removal_due,
    assembly_public_life,
    assembly_with_neighbourhoods,
)
from initiatives.selectors.assembly_panel_overview import (
    PanelOverview,
    assembly_panel_overview,
    current_quotas,
)
from initiatives.selectors.assembly_quotas import (
    POOL_STATES,
    AnswerCount,
    FeatureCounts,
    assembly_answer_counts,
)
from initiatives.selectors.assembly_registration import (
    assembly_public,
    registration_features,
    registration_meetings,
    registration_open,
)
from initiatives.selectors.dilemmas import (
    DILEMMAS_DISCUSSED_SHOWN,
    DILEMMAS_OPEN_SHOWN,
    dilemma_for_manager,
    dilemmas_discussed,
    dilemmas_for_dream,
    dilemmas_open,
)
from initiatives.selectors.dream_list_page import (
    RELEVANCE,
    DreamListPage,
    dream_list_page,
    effective_sort,
    jump_statuses,
)
from initiatives.selectors.dream_lists import (
    DREAM_SORTS,
    LIST_SORTS,
    dreams_first_contact_overdue,
    dreams_pick_up_overdue,
    staff_dream_list,
    triage_queue,
)
from initiatives.selectors.exports import dream_export_header, dream_export_rows, export_of
from initiatives.selectors.funds import (
    FundFigures,
    FundState,
    fund_other_years,
    fund_state,
    fund_takes_applications,
    fund_years,
    funds_open_for_applications,
    funds_overview,
    funds_overview_total,
    funds_public,
)
from initiatives.selectors.list_flags import list_flags, may_have
from initiatives.selectors.open_dreams import (
    open_dream,
    open_dreams,
    open_stories,
    open_story,
    open_story_photo,
)
from initiatives.selectors.outbox import (
    OUTBOX_FAILING_WINDOW_SECONDS,
    outbox_failed_count,
    outbox_failing_count,
    outbox_oldest_pending,
)
from initiatives.selectors.partners import (
    PARTNER_TEXT_KINDS,
    DreamPartners,
    Helper,
    InvitationState,
    PartnerDream,
    PartnerLinkProblem,
    PartnerRow,
    PartnerTimelineItem,
    dream_helpers,
    dream_partners,
    organisation_list,
    organisation_of,
    partner_dream,
    partner_invitation_by_token,
    partner_link_problem,
    partner_token_hash,
)
from initiatives.selectors.paspoort import (
    PaspoortEntry,
    paspoort_current,
    paspoort_page,
    paspoort_part_current,
)
from initiatives.selectors.peers import peer_stories_public, peers_to_fetch
from initiatives.selectors.plans import (
    Plan,
    PlanContribution,
    PlanNeedRow,
    dream_plan,
    plan_need_exists,
)
from initiatives.selectors.platforms import (
    PLATFORM_STAFF_ROLES,
    SHARED_DREAM_FIELDS,
    InvitationProblem,
    MemberRow,
    PublicAgendaItem,
    SharedDream,
    agenda_item_dream_ids,
    agenda_item_of,
    invitation_by_token,
    invitation_problem,
    platform_agenda_for_chair,
    platform_dream_choices,
    platform_for_neighbourhood,
    platform_is_chair,
    platform_list,
    platform_may_invite,
    platform_members,
    platform_membership,
    platform_open_invitations,
    platform_public_agenda,
    platform_shared_dreams,
    platform_staff_may_invite,
    platform_token_hash,
)
from initiatives.selectors.privacy import dreams_withdrawn_on_erase, resident_data_export
from initiatives.selectors.reference import (
    enablers,
    list_filter_options,
    neighbourhood_list,
    service_promises,
    theme_list,
)
from initiatives.selectors.report_days import report_days_read
from initiatives.selectors.residents import (
    decision_signed_for,
    dream_for_resident,
    dreams_of_resident,
    event_actor_for_resident,
    photo_for_resident,
)
from initiatives.selectors.situation import dream_situation
from initiatives.selectors.staff_start import (
    administration_overview,
    promises_broken,
    waiting_approvals,
    waiting_in_my_care,
    waiting_letters,
    waiting_to_pick_up,
)
from initiatives.selectors.staff_workload import workload
from initiatives.selectors.stories import (
    Gallery,
    Story,
    photos_of_dream,
    publication_of,
    stories_for_feed,
    stories_newest,
    story_for_public,
    story_gallery,
)
from initiatives.selectors.weekly_report import (
    DILEMMAS_SHOWN,
    SILENT_SHOWN,
    week_bounds,
    weekly_figures,
    weekly_report_for,
    weeks_figures,
)
from initiatives.selectors.workspace import (
    TIMELINE_LATEST,
    decision_for_signing,
    decisions_awaiting_letter,
    dream_budget,
    dream_exists_for_staff,
    dream_for_staff,
    funds_current,
    grants_awaiting_approval,
    photo_for_staff,
    workspace_promises,
    workspace_summary,
)

__all__ = [
    "DILEMMAS_DISCUSSED_SHOWN",
    "DILEMMAS_OPEN_SHOWN",
    "DILEMMAS_SHOWN",
    "DREAM_SORTS",
    "LIST_SORTS",
    "OUTBOX_FAILING_WINDOW_SECONDS",
    "PARTNER_TEXT_KINDS",
    "PLATFORM_STAFF_ROLES",
    "POOL_STATES",
    "RELEVANCE",
    "SHARED_DREAM_FIELDS",
    "SILENT_SHOWN",
    "TIMELINE_LATEST",
    "AnswerCount",
    "DreamListPage",
    "DreamPartners",
    "FeatureCounts",
    "FundFigures",
    "FundState",
    "Gallery",
    "Helper",
    "InvitationProblem",
    "InvitationState",
    "Letter",
    "MemberRow",
    "PanelOverview",
    "PartnerDream",
    "PartnerLinkProblem",
    "PartnerRow",
    "PartnerTimelineItem",
    "PaspoortEntry",
    "Plan",
    "PlanContribution",
    "PlanNeedRow",
    "Pool",
    "PoolRow",
    "PublicAgendaItem",
    "PublicLife",
    "PublicOutcome",
    "SharedDream",
    "Story",
    "accountabilities_waiting",
    "accountability_file_for_resident",
    "accountability_file_for_staff",
    "accountability_for_staff",
    "address_lookup",
    "address_text",
    "administration_overview",
    "agenda_item_dream_ids",
    "agenda_item_of",
    "application_dreams",
    "application_for_applicant",
    "application_for_platform",
    "application_for_resident",
    "application_for_staff",
    "applications_for_dream",
    "applications_for_platform",
    "applications_waiting_for_staff",
    "assembly_answer_counts",
    "assembly_feature_of",
    "assembly_list",
    "assembly_meeting_of",
    "assembly_meetings",
    "assembly_of",
    "assembly_outcome_of",
    "assembly_outcomes",
    "assembly_panel",
    "assembly_panel_overview",
    "assembly_pool",
    "assembly_pool_removal_due",
    "assembly_public",
    "assembly_public_life",
    "assembly_with_neighbourhoods",
    "current_quotas",
    "decision_for_signing",
    "decision_signed_for",
    "decisions_awaiting_letter",
    "dilemma_for_manager",
    "dilemmas_discussed",
    "dilemmas_for_dream",
    "dilemmas_open",
    "draw_publication",
    "dream_budget",
    "dream_exists_for_staff",
    "dream_export_header",
    "dream_export_rows",
    "dream_for_resident",
    "dream_for_staff",
    "dream_helpers",
    "dream_list_page",
    "dream_partners",
    "dream_plan",
    "dream_situation",
    "dreams_first_contact_overdue",
    "dreams_of_resident",
    "dreams_pick_up_overdue",
    "dreams_withdrawn_on_erase",
    "effective_sort",
    "enablers",
    "event_actor_for_resident",
    "export_of",
    "fund_for_application",
    "fund_other_years",
    "fund_state",
    "fund_takes_applications",
    "fund_years",
    "funds_current",
    "funds_open_for_applications",
    "funds_overview",
    "funds_overview_total",
    "funds_public",
    "grants_awaiting_approval",
    "grants_unpaid",
    "invitation_by_token",
    "invitation_draw",
    "invitation_draw_public_url",
    "invitation_letters",
    "invitation_pool",
    "invitation_pool_size",
    "invitation_problem",
    "jump_statuses",
    "list_filter_options",
    "list_flags",
    "may_have",
    "neighbourhood_list",
    "open_dream",
    "open_dreams",
    "open_stories",
    "open_story",
    "open_story_photo",
    "organisation_list",
    "organisation_of",
    "outbox_failed_count",
    "outbox_failing_count",
    "outbox_oldest_pending",
    "partner_dream",
    "partner_invitation_by_token",
    "partner_link_problem",
    "partner_token_hash",
    "paspoort_current",
    "paspoort_page",
    "paspoort_part_current",
    "peer_stories_public",
    "peers_to_fetch",
    "photo_for_resident",
    "photo_for_staff",
    "photos_of_dream",
    "plan_need_exists",
    "platform_agenda_for_chair",
    "platform_chaired_by",
    "platform_dream_choices",
    "platform_for_neighbourhood",
    "platform_is_chair",
    "platform_list",
    "platform_may_invite",
    "platform_members",
    "platform_membership",
    "platform_open_invitations",
    "platform_public_agenda",
    "platform_shared_dreams",
    "platform_staff_may_invite",
    "platform_token_hash",
    "promises_broken",
    "public_draw",
    "public_draws_of",
    "publication_of",
    "registration_features",
    "registration_meetings",
    "registration_open",
    "registration_url",
    "report_days_read",
    "resident_data_export",
    "service_promises",
    "staff_dream_list",
    "stories_for_feed",
    "stories_newest",
    "story_for_public",
    "story_gallery",
    "theme_list",
    "triage_queue",
    "waiting_approvals",
    "waiting_in_my_care",
    "waiting_letters",
    "waiting_to_pick_up",
    "week_bounds",
    "weekly_figures",
    "weekly_report_for",
    "weeks_figures",
    "workload",
    "workspace_promises",
    "workspace_summary",
]
