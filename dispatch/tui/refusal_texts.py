"""The desk's refusals as the console says them (part of ``TEXTS``; see
:mod:`dispatch.tui.refusals`), in English and Simplified Chinese.  Data only.
"""

REFUSAL_TEXTS: dict[str, dict[str, str]] = {
    "error.read_only": {"en": "read only: this is a replay", "zh": "只读：当前为回放"},
    "error.role": {"en": "{who}: a {role} may not do this", "zh": "{who}：{role}无权执行此操作"},
    "error.no_incident": {"en": "no incident {incident}", "zh": "没有事件 {incident}"},
    "error.not_open": {"en": "incident {incident} is {status} {into}",
                       "zh": "事件 {incident} {status} {into}"},
    "error.no_playbook": {"en": "apply a playbook before recording answers",
                          "zh": "请先采用预案再记录回答"},
    "error.no_answer": {"en": "no answer typed: type the caller's answer, or unknown if they "
                              "do not know",
                        "zh": "未输入回答：请输入来电人的回答；来电人不清楚时输入“不知道”"},
    "error.bad_answer": {"en": "{question}: expected {expected}, got “{got}”",
                         "zh": "{question}：应为{expected}，输入的是“{got}”"},
    "expect.bool": {"en": "yes or no", "zh": "是或否"},
    "expect.int": {"en": "a whole number {low} or more", "zh": "不小于 {low} 的整数"},
    "expect.int_range": {"en": "a whole number {low} to {high}",
                         "zh": "{low} 到 {high} 之间的整数"},
    "expect.choice": {"en": "one of {choices}", "zh": "以下之一：{choices}"},
    "expect.text": {"en": "text", "zh": "文字"},
    "error.not_placed": {"en": "cannot place “{where}”: {detail}",
                         "zh": "无法定位“{where}”：{detail}"},
    "error.ambiguous": {"en": "“{where}” may be {n} places: {choices}; type #1 to #9 to choose",
                        "zh": "“{where}”可能是 {n} 个地点：{choices}；输入 #1 至 #9 选择"},
    "error.no_pick": {"en": "no such place to pick: type #1 to #{n} (the places listed)",
                      "zh": "没有这个地点：请输入 #1 至 #{n}（列出的地点）"},
    "error.no_call": {"en": "no call is ringing", "zh": "没有来电"},
    "error.taken": {"en": "the call of {call} was taken by {by}{seat}",
                    "zh": "{call} 的来电已由 {by}{seat}接听"},
    "error.at_seat": {"en": " at seat {seat}", "zh": "（席位 {seat}）"},
    "error.has_incident": {"en": "the call of {call} already belongs to incident {incident}",
                           "zh": "{call} 的来电已属于事件 {incident}"},
    "error.opened_elsewhere": {"en": "another seat opened it already", "zh": "其他席位已建立"},
    "error.changed": {"en": "incident {incident} was changed meanwhile by {by}{seat}: "
                            "{event}; nothing recorded, look again",
                      "zh": "事件 {incident} 刚被 {by}{seat}修改：{event}；"
                            "本次未记录，请查看后再操作"},
    "error.outstanding": {"en": "incident {incident} still has {count} "
                                "{count:@order|orders} not cleared: confirm to cancel them and "
                                "{step}",
                          "zh": "事件 {incident} 尚有 {count} 条派单未完成："
                                "确认后将取消这些派单并{step}"},
    "error.step.resolve": {"en": "resolve", "zh": "处置完毕"},
    "error.step.close": {"en": "close", "zh": "关闭"},
}
