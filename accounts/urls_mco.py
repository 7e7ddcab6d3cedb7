"""An MCO's portal team (/mco/team/), included by portal/urls.py."""

from django.urls import path

from accounts.views import mco_team

app_name = "mco_team"

urlpatterns = [
    path("", mco_team.team_view, name="team"),
    path("members/<uuid:public_id>/remove/", mco_team.member_remove_view, name="member_remove"),
    path("invitations/<uuid:public_id>/withdraw/", mco_team.invitation_cancel_view, name="invitation_cancel"),
]
