"""The label registry: codes become words (system actors, event kinds, warning facts, change-log values)."""

import pytest
from django.utils import translation

from industry_brain.core import labels
from industry_brain.core.changelog import history_for
from industry_brain.enterprises.choices import Tier

pytestmark = pytest.mark.django_db


def test_system_actors_and_events_read_as_chinese():
    with translation.override("zh-hans"):
        assert labels.actor("command:seed_demo") == "系统（初始化）"
        assert labels.actor("job:escalate_overdue") == "系统（超期升级）"
        assert labels.actor("job:something_new") == "系统"
        assert labels.label("supervision.escalated", "event") == "升级督办"
        note = labels.humanize("#261 (similar_text)")
        assert note.startswith("#261 (") and "similar_text" not in note and labels.RAW_CODE.search(note) is None


def test_warning_facts_become_a_sentence_with_figures_and_thresholds():
    facts = {"year": 2026, "months_elapsed": 10, "annual_plan": 12000.0, "ytd_investment": 5000.0,
             "completion_pct": 41.67, "schedule_pct": 83.33, "points_behind": 41.66, "yellow_points": 10.0,
             "red_points": 30.0, "up_to": "2026-10"}
    with translation.override("zh-hans"):
        text = labels.facts(facts, "investment_behind")
    assert "12,000" in text and "5,000" in text and "41.7" in text and "83.3" in text and "30" in text
    assert labels.RAW_CODE.search(text) is None


def test_change_log_values_show_labels_and_names(world):
    from industry_brain.enterprises.models import Enterprise

    e = Enterprise.objects.get(pk=world.ent_xihu.pk)
    e.top_tier = "little_giant"
    e.district_id = "330109"
    e.save()
    with translation.override("zh-hans"):
        rows = {f: (b, a) for f, b, a in labels.changes(history_for(e, 1)[0])}
        tier = str(Tier.LITTLE_GIANT.label)
    assert rows["最高梯队"] == ("—", tier)
    assert rows["区县"][1] == "萧山区"


def test_a_person_reads_as_name_and_organisation(world):
    user = world.user("district")
    user.title = "产业科科长"
    assert labels.person(user) == "产业科科长（西湖区经信局（测试））"
    user.title = ""
    assert "t_xihu" not in labels.person(user)
