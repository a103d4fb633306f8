"""The warning rules shipped with the platform (loaded by migration 0002; city administrators edit them
afterwards on the rules page, which makes new versions). Plain data: migrations import it."""

# The rules shipped with the platform (loaded by migration 0002; city administrators may edit them).
DEFAULT_RULES = [
    {"code": "P01", "kind": "milestone_overdue", "name": "计划节点逾期未完成",
     "description": "项目下一个计划节点（签约、供地、开工、竣工、投产、达产）的计划日期已过而未填报实际日期："
                    "逾期超过宽限天数亮黄灯，超过红灯天数亮红灯。",
     "source": "银川市重点项目红黄绿三色预警（2025）：开工节点当月未开工为黄、连续3个月未开工为红；"
               "本平台推广到全部节点。",
     "thresholds": {"yellow_after_days": 30, "red_after_days": 90}},
    {"code": "P02", "kind": "investment_behind", "name": "投资进度滞后于序时进度",
     "description": "本年累计完成投资占年度计划的比例低于序时进度（已到报送期的月数÷12）："
                    "落后10至30个百分点（含）为黄，落后超过30个百分点为红。",
     "source": "银川市重点项目三色预警（2025）：低于序时进度10-30个百分点为黄、超过30个百分点为红。",
     "thresholds": {"yellow_points": 10, "red_points": 30, "report_due_day": 10}},
    {"code": "P03", "kind": "start_overdue", "name": "超计划开工日期3个月未开工",
     "description": "计划开工日期已过3个月仍未开工（未填报实际开工日期），亮红灯。",
     "source": "银川市重点项目三色预警（2025）：连续3个月未开工为红；资阳“三未”清单（立项未开工）。",
     "thresholds": {"months": 3}, "level": "red"},
    {"code": "P04", "kind": "report_missing", "name": "月度进度未按时报送",
     "description": "供地后至达产前的项目每月报送进度（次月10日前）：上月未报为黄，连续两个月未报为红。",
     "source": "杭州钱塘区产业项目协同指挥平台：进度按月报送（钱塘年鉴2022）。",
     "thresholds": {"due_day": 10, "yellow_months": 1, "red_months": 2}},
    {"code": "P05", "kind": "investment_stalled", "name": "在建项目连续3个月无投资",
     "description": "在建（已开工未竣工）项目连续3个月未完成投资（报送投资为零或未报送），亮红灯。",
     "source": "“开工未建设”（资阳“三未”清单）；本平台以连续3个月零投资认定。",
     "thresholds": {"months": 3, "due_day": 10}, "level": "red"},
]

