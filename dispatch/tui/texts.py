"""Every text of the console's screens, in English and Simplified Chinese.

Kept apart from the screens (no Textual here) so a test can check that both
languages have every key and the same placeholders.  Texts shown in table
columns avoid East-Asian "ambiguous" characters (em dash, middle dot), whose
width depends on the terminal, so Chinese columns stay aligned.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from dispatch.i18n import render
from dispatch.tui.pane_texts import PANE_TEXTS
from dispatch.tui.refusal_texts import REFUSAL_TEXTS

#: Key → {lang: template}.  Templates use ``str.format`` fields.
_CONSOLE: dict[str, dict[str, str]] = {
    # -- the app ------------------------------------------------------------------
    "title": {"en": "Dispatch console", "zh": "应急救援调度台"},
    "read_only": {"en": "Read only: this floor is a replay", "zh": "只读：当前为回放"},
    "drill_over": {"en": "The drill is over: the floor is read only",
                   "zh": "演练已结束：当前只读"},
    "refused": {"en": "Not done: {reason}", "zh": "未执行：{reason}"},
    "no_incident": {"en": "Select an incident first", "zh": "请先选择事件"},
    "no_call": {"en": "No call is ringing", "zh": "没有来电"},
    "answered": {"en": "Answered {call}: incident {incident} opened",
                 "zh": "已接听 {call}，建立事件 {incident}"},
    "call.unknown": {"en": "a call", "zh": "来电"},
    "call.incident": {"en": "(incident {incident})", "zh": "（事件 {incident}）"},
    "placed": {"en": "{incident} placed at {place}", "zh": "{incident} 位置：{place}"},
    "playbook_applied": {"en": "{incident}: playbook {playbook}",
                         "zh": "{incident}：采用预案 {playbook}"},
    "sent": {"en": "{incident}: {count} {count:@order|orders} sent",
             "zh": "{incident}：已派单 {count} 条"},
    "confirmed_suggested": {"en": "{incident}: {count} suggested answer(s) recorded",
                            "zh": "{incident}：已记录 {count} 项建议回答"},
    "nothing_suggested": {"en": "{incident}: the caller's words suggest no answer",
                          "zh": "{incident}：来电人话中没有可建议的回答"},
    "nothing_to_send": {"en": "{incident}: every recommended order is out",
                        "zh": "{incident}：建议派单均已发出"},
    "advice_done": {"en": "{incident}: every safety advice is given",
                    "zh": "{incident}：安全提示均已告知"},
    "no_question": {"en": "{incident}: no question left to ask", "zh": "{incident}：询问已完成"},
    "merge_marked": {"en": "{incident} marked: select the incident to merge it into, press M",
                     "zh": "已标记 {incident}：选中要并入的事件后按 M"},
    "merge_none": {"en": "Mark an incident with u first", "zh": "请先用 u 标记事件"},
    "flagged": {"en": "Note recorded; flagged: {phrases}", "zh": "备注已记录；含禁用语：{phrases}"},
    "port_taken": {"en": "{message}", "zh": "{message}"},
    "transferred": {"en": "{incident} handed to {to}", "zh": "{incident} 已移交 {to}"},
    "board.mine": {"en": "Board: only incidents of {operator}",
                   "zh": "事件列表：仅显示 {operator} 负责的事件"},
    "board.all": {"en": "Board: every incident", "zh": "事件列表：显示全部事件"},
    "no_operator": {"en": "Nobody is logged in at this console", "zh": "本席位无人登录"},
    # -- status bar ---------------------------------------------------------------
    "status.operator": {"en": "operator {operator} ({role})", "zh": "话务员 {operator}（{role}）"},
    "role.operator": {"en": "operator", "zh": "话务员"},
    "role.supervisor": {"en": "supervisor", "zh": "值班长"},
    "role.trainer": {"en": "trainer", "zh": "教员"},
    "role.admin": {"en": "admin", "zh": "管理员"},
    "keys.back": {"en": "Esc back", "zh": "Esc 返回"},
    "keys.map": {"en": "Esc back  + zoom in  - zoom out  c centre  arrows pan",
                 "zh": "Esc 返回  + 放大  - 缩小  c 居中  方向键 平移"},
    # The keys line: the mode first (commands, replay, or typing in one of the pane's
    # inputs), then what the keys do in it.
    "keys.commands": {"en": "COMMANDS", "zh": "命令"},
    "keys.replay": {"en": "REPLAY", "zh": "回放"},
    "keys.typing.stake": {"en": "TYPING THE LOCATION", "zh": "正在输入位置"},
    "keys.typing.answer": {"en": "TYPING THE ANSWER", "zh": "正在输入回答"},
    "keys.typing.note": {"en": "TYPING A NOTE", "zh": "正在输入备注"},
    "keys.how.stake": {"en": "Enter sets it  ·  Esc back to commands (nothing recorded)",
                       "zh": "回车确认位置  Esc 返回命令（不记录）"},
    "keys.how.answer": {"en": "Enter records it  ·  Esc back to commands (nothing recorded)",
                        "zh": "回车记录回答  Esc 返回命令（不记录）"},
    "keys.how.note": {"en": "Enter records it  ·  Esc back to commands (nothing recorded)",
                      "zh": "回车记录备注  Esc 返回命令（不记录）"},
    "keys.empty.answer": {"en": "Nothing recorded: type the caller's answer (\"unknown\" if "
                                "they do not know)",
                          "zh": "未记录：请输入来电人的回答（如来电人不知道，请输入“不知道”）"},
    "keys.empty.stake": {"en": "Nothing set: type the stake or lat,lon (Esc back to commands)",
                         "zh": "未定位：请输入桩号或经纬度（Esc 返回命令）"},
    "keys.empty.note": {"en": "Nothing recorded: type the note (Esc back to commands)",
                        "zh": "未记录：请输入备注内容（Esc 返回命令）"},
    "status.mode.normal": {"en": "NORMAL", "zh": "正常"},
    "status.mode.peak": {"en": "PEAK", "zh": "高峰"},
    "status.mode.outage": {"en": "OUTAGE", "zh": "故障"},
    "status.link.up": {"en": "link up", "zh": "已连接"},
    "status.link.down": {"en": "link DOWN", "zh": "连接中断"},
    "status.log.full": {"en": "LOG FULL", "zh": "日志已满"},
    "status.log.read_only": {"en": "LOG READ-ONLY", "zh": "日志只读"},
    "status.log.busy": {"en": "LOG BUSY", "zh": "日志繁忙"},
    "status.log.unwritable": {"en": "LOG UNWRITABLE", "zh": "日志不可写"},
    "status.log.unreachable": {"en": "LOG UNREACHABLE", "zh": "日志服务器不可达"},
    "log.fault": {"en": "{state}: nothing new can be recorded. Calls wait in the broker and "
                        "are logged in order when the log recovers (retried every second); "
                        "commands are refused meanwhile. {detail}",
                  "zh": "{state}：无法记录新内容。来电保留在消息服务器中，日志恢复后按顺序记录"
                        "（每秒重试）；在此期间操作将被拒绝。{detail}"},
    "status.link.none": {"en": "link -", "zh": "未连接"},
    "status.outbox": {"en": "outbox {count}", "zh": "待发 {count}"},
    "status.open": {"en": "open {count}", "zh": "处理中 {count}"},
    "status.mine": {"en": "MINE {shown}/{total}", "zh": "仅我的 {shown}/{total}"},
    "status.breached": {"en": "breached {count}", "zh": "超时 {count}"},
    "status.drill": {"en": "DRILL", "zh": "演练"},
    "status.replay": {"en": "REPLAY {state} x{speed:g} {position}/{total}",
                      "zh": "回放 {state} x{speed:g} {position}/{total}"},
    "replay.playing": {"en": "playing", "zh": "播放中"},
    "replay.paused": {"en": "paused", "zh": "已暂停"},
    # -- banners ------------------------------------------------------------------
    "banner.outage": {"en": "SYSTEM OUTAGE: broker link down. Orders wait in the outbox; "
                            "phone the recipients. Say to callers:",
                      "zh": "系统故障：消息服务器连接中断。派单在发件箱等待，请电话联系接收单位。"
                            "对来电者说："},
    "banner.phone": {"en": "phone {to}: {phone}", "zh": "电话 {to}：{phone}"},
    "banner.peak": {"en": "PEAK LOAD: duplicate calls are grouped; ask for extra seats; "
                          "keep calls short. Say to callers:",
                    "zh": "话务高峰：重复来电自动合并；请增开席位，缩短通话。对来电者说："},
    # -- call queue ---------------------------------------------------------------
    "queue.title": {"en": "Calls ringing: {count}", "zh": "待接来电：{count}"},
    "queue.empty": {"en": "No call ringing", "zh": "暂无来电"},
    "queue.hint": {"en": "most urgent first   a answers the call marked >   [ ] move the mark",
                   "zh": "最紧急的在前   按 a 接听 > 标记的来电   [ ] 移动标记"},
    "queue.more": {"en": "+{count} more ringing ([ ] to reach them)",
                   "zh": "另有 {count} 个来电（按 [ ] 查看）"},
    # Danger marks on a ringing call (what the caller's words name), short.
    # -- incident board columns (short: they are column heads) ---------------------
    "col.id": {"en": "Incident", "zh": "事件编号"},
    "col.priority": {"en": "Pri", "zh": "级别"},
    "col.kind": {"en": "Kind", "zh": "类型"},
    "col.place": {"en": "Road / stake", "zh": "道路/桩号"},
    "col.jurisdiction": {"en": "Area", "zh": "辖区"},
    "col.status": {"en": "Status", "zh": "状态"},
    "col.age": {"en": "Age", "zh": "历时"},
    "col.deadline": {"en": "Next deadline", "zh": "下一时限"},
    "col.110": {"en": "110", "zh": "110"},
    "col.119": {"en": "119", "zh": "119"},
    "col.120": {"en": "120", "zh": "120"},
    "col.section": {"en": "Sect", "zh": "路段"},
    "col.owner": {"en": "Owner", "zh": "负责人"},
    "kind.accident": {"en": "accident", "zh": "交通事故"},
    "kind.breakdown": {"en": "breakdown", "zh": "车辆故障"},
    "kind.outage": {"en": "outage", "zh": "系统故障"},
    "kind.peak_load": {"en": "peak load", "zh": "话务高峰"},
    "kind.complaint": {"en": "complaint", "zh": "投诉"},
    "kind.none": {"en": "?", "zh": "未分类"},
    "palette.apply": {"en": "Apply playbook: {title}", "zh": "采用预案：{title}"},
    "state.open": {"en": "open", "zh": "处理中"},
    "state.resolved": {"en": "resolved", "zh": "已处置"},
    "state.closed": {"en": "closed", "zh": "已关闭"},
    "state.merged": {"en": "merged", "zh": "已合并"},
    "deadline.answer": {"en": "answer", "zh": "接听"},
    "deadline.dispatch": {"en": "dispatch", "zh": "派单"},
    "deadline.on_scene": {"en": "on scene", "zh": "到场"},
    "deadline.investigate": {"en": "investigate", "zh": "调查"},
    "deadline.callback": {"en": "callback", "zh": "回访"},
    # Order marks: one letter (en) or one character (zh) per state.
    "mark.sent": {"en": "S", "zh": "发"},
    "mark.delivered": {"en": "D", "zh": "达"},
    "mark.received": {"en": "R", "zh": "收"},
    "mark.accepted": {"en": "A", "zh": "接"},
    "mark.declined": {"en": "X", "zh": "拒"},
    "mark.en_route": {"en": "E", "zh": "途"},
    "mark.on_scene": {"en": "O", "zh": "场"},
    "mark.cleared": {"en": "C", "zh": "毕"},
    "mark.timeout": {"en": "!", "zh": "超"},
    "order.sent": {"en": "waiting in outbox", "zh": "发件箱等待"},
    "order.delivered": {"en": "delivered to broker", "zh": "已送达服务器"},
    "order.received": {"en": "received", "zh": "已接收"},
    "order.accepted": {"en": "accepted by unit", "zh": "单位已接受"},
    "order.declined": {"en": "declined", "zh": "已拒绝"},
    "order.en_route": {"en": "en route", "zh": "已出发"},
    "order.on_scene": {"en": "on scene", "zh": "已到场"},
    "order.cleared": {"en": "cleared", "zh": "已完成"},
    # -- alerts -------------------------------------------------------------------
    "alerts.title": {"en": "Alerts", "zh": "告警"},
    "alerts.new": {"en": "Alerts: {count} new", "zh": "告警：{count} 条新"},
    "alert.breach": {"en": "{incident}: deadline {deadline} breached",
                     "zh": "{incident}：{deadline}超时"},
    "alert.order_timeout": {"en": "{incident}: no acknowledgement from {to}",
                            "zh": "{incident}：{to} 未确认接单"},
    "alert.escalated": {"en": "{incident}: {to} silent: PHONE {phone}",
                        "zh": "{incident}：{to} 无应答，请电话 {phone}"},
    "alert.declined": {"en": "{incident}: {to} declined ({note})",
                       "zh": "{incident}：{to} 拒绝（{note}）"},
    "alert.mode": {"en": "Mode now {mode}", "zh": "工作模式：{mode}"},
    "alert.refused": {"en": "Refused: {command} ({reason})", "zh": "已拒绝：{command}（{reason}）"},
    "alert.transferred": {"en": "{incident}: handed from {owner} to {to} ({reason})",
                          "zh": "{incident}：由 {owner} 移交 {to}（{reason}）"},
    "alert.yours": {"en": "{incident} is yours now (was {owner}'s: {reason})",
                    "zh": "{incident} 现由您负责（原负责人 {owner}：{reason}）"},
    # -- prompts ------------------------------------------------------------------
    "ask.keys": {"en": "Enter accepts · Esc cancels", "zh": "回车确认 · Esc 取消"},
    "ask.call": {"en": "Type in a call (the phone line while the gateway is down)",
                 "zh": "人工录入来电（网关中断时使用）"},
    "ask.call.name": {"en": "caller's name", "zh": "来电人姓名"},
    "ask.call.phone": {"en": "callback number", "zh": "回拨电话"},
    "ask.call.says": {"en": "what the caller says", "zh": "来电内容"},
    "ask.call.location": {"en": "where (stake or lat,lon)", "zh": "位置（桩号或经纬度）"},
    "ask.call.bad_phone": {"en": "Callback number: 3 to 20 digits, spaces or dashes between, "
                                 "+ in front if needed (110, 138 0000 0001); empty if withheld",
                           "zh": "回拨电话：3 到 20 位数字，可用空格或短横线分隔，可以 + 开头"
                                 "（如 110、138 0000 0001）；隐藏号码请留空"},
    "ask.call.discard": {"en": "Discard the typed call?   y yes   n no",
                         "zh": "放弃已输入的来电？   y 放弃   n 继续填写"},
    "ask.investigation": {"en": "Investigation finding for {incident}",
                          "zh": "{incident} 调查结果"},
    "ask.callback": {"en": "Callback for {incident}: was the caller satisfied? (yes/no)",
                     "zh": "{incident} 回访：来电人是否满意？（是/否）"},
    "ask.playbook": {"en": "Playbook for {incident} ({ids})", "zh": "{incident} 采用预案（{ids}）"},
    "ask.transfer": {"en": "Hand {incident} (owner {owner}) to another operator",
                     "zh": "将 {incident}（负责人 {owner}）移交其他话务员"},
    "ask.transfer.to": {"en": "operator id (on the floor: {present})",
                        "zh": "话务员工号（在席：{present}）"},
    "ask.transfer.reason": {"en": "why (end of shift, knows the place…)",
                            "zh": "原因（交班、熟悉现场……）"},
    "quit.ask": {"en": "Quit the console? Work is still open:",
                 "zh": "确认退出控制台？以下工作尚未完成："},
    "quit.open": {"en": "open incidents: {count} (yours: {mine})",
                  "zh": "处理中事件：{count} 起（由您负责：{mine} 起）"},
    "quit.ringing": {"en": "calls ringing: {count}", "zh": "待接来电：{count} 个"},
    "quit.orders": {"en": "orders not cleared: {count}", "zh": "未完成派单：{count} 条"},
    "quit.keys": {"en": "y quits  ·  n or Esc stays", "zh": "y 退出  n 或 Esc 留下"},
    "settle.ask.resolve": {"en": "Resolve {incident}? Orders not cleared: {count}. They will be "
                                 "cancelled and their recipients told:",
                           "zh": "确认 {incident} 处置完毕？未完成派单 {count} 条，"
                                 "将被撤销并通知接收单位："},
    "settle.ask.close": {"en": "Close {incident}? Orders not cleared: {count}. They will be "
                               "cancelled and their recipients told:",
                         "zh": "确认关闭 {incident}？未完成派单 {count} 条，"
                               "将被撤销并通知接收单位："},
    "settle.order": {"en": "  {to}  {state}", "zh": "  {to}  {state}"},
    "settle.keys.resolve": {"en": "y cancels them and resolves  ·  n or Esc keeps them",
                            "zh": "y 撤销派单并处置完毕  n 或 Esc 保留派单"},
    "settle.keys.close": {"en": "y cancels them and closes  ·  n or Esc keeps them",
                          "zh": "y 撤销派单并关闭  n 或 Esc 保留派单"},
    "settled.resolve": {"en": "{incident} resolved; orders cancelled: {count}",
                        "zh": "{incident} 已处置完毕；已撤销派单 {count} 条"},
    "settled.close": {"en": "{incident} closed; orders cancelled: {count}",
                      "zh": "{incident} 已关闭；已撤销派单 {count} 条"},
    "cancel.title": {"en": "Cancel an order of {incident} (the recipient is told):",
                     "zh": "撤销 {incident} 的派单（将通知接收单位）："},
    "cancel.line": {"en": "  {n}. {to}  {state}", "zh": "  {n}. {to}  {state}"},
    "cancel.order": {"en": "which order (1 to {count}, or the recipient)",
                     "zh": "撤销哪条派单（1 至 {count}，或接收单位）"},
    "cancel.reason": {"en": "why (the recipient reads it)", "zh": "原因（接收单位可见）"},
    "cancel.none": {"en": "{incident}: no order to cancel (every order is done)",
                    "zh": "{incident}：没有可撤销的派单（均已结束）"},
    "cancel.which": {"en": "Which order? Type a number from 1 to {count}, or the recipient",
                     "zh": "请输入派单序号（1 至 {count}）或接收单位"},
    "cancel.why": {"en": "Say why the order is cancelled", "zh": "请填写撤销原因"},
    "cancelled": {"en": "{incident}: order to {to} cancelled",
                  "zh": "{incident}：已撤销发往 {to} 的派单"},
    "callback.expected": {"en": "Type yes or no: was the caller satisfied? (not \"{answer}\")",
                          "zh": "请输入“是”或“否”：来电人是否满意？（不是“{answer}”）"},
    # -- login --------------------------------------------------------------------
    "login.title": {"en": "Operator login", "zh": "话务员登录"},
    "login.id": {"en": "operator id", "zh": "工号"},
    "login.password": {"en": "password", "zh": "密码"},
    "login.hint": {"en": "Enter logs in · ctrl+q quits", "zh": "回车登录 · ctrl+q 退出"},
    "login.first": {"en": "No account yet: create the first one (a supervisor)",
                    "zh": "尚无账号：请创建第一个账号（值班长）"},
    "login.name": {"en": "full name", "zh": "姓名"},
    "login.repeat": {"en": "password again", "zh": "再次输入密码"},
    "login.mismatch": {"en": "The passwords differ", "zh": "两次输入的密码不一致"},
    "login.created": {"en": "Account {operator} created", "zh": "已创建账号 {operator}"},
    # The accounts' refusals (dispatch/operators.py says them in English), by message.
    "account.login refused: wrong password": {"en": "Login refused: wrong password",
                                              "zh": "登录失败：密码错误"},
    "account.login refused: unknown operator": {"en": "Login refused: unknown operator",
                                                "zh": "登录失败：没有这个工号"},
    "account.login refused: account disabled": {"en": "Login refused: account disabled",
                                                "zh": "登录失败：账号已停用"},
    "account.a password needs at least 8 characters": {
        "en": "A password needs at least 8 characters", "zh": "密码至少需要 8 个字符"},
    # -- views --------------------------------------------------------------------
    "timeline.title": {"en": "Timeline of {incident}", "zh": "事件 {incident} 时间线"},
    "timeline.none": {"en": "Select an incident to see its timeline", "zh": "请选择事件查看时间线"},
    "map.title": {"en": "Map: {roads}   + / - zoom   arrows pan   c centre   Esc back",
                  "zh": "地图：{roads}   + / - 缩放   方向键平移   c 居中   Esc 返回"},
    "map.legend": {"en": "incidents: P1 red  P2 orange  P3 yellow  P4 grey  ○ no priority "
                         "magenta   stations: blue   places, roads: labels",
                   "zh": "事件：1级红 2级橙 3级黄 4级灰 ○未定级紫   单位：蓝   地名、道路：标注"},
    "map.centre": {"en": "centre {lat:.3f},{lon:.3f}  scale x{zoom:g}",
                   "zh": "中心 {lat:.3f},{lon:.3f}  比例 x{zoom:g}"},
    "kpi.title": {"en": "Key figures", "zh": "关键指标"},
    "kpi.counts": {"en": "Calls {calls} (answered {answered}) · incidents {incidents} "
                         "(merged {merged}) · orders {orders} · resolved {resolved}",
                   "zh": "来电 {calls}（已接 {answered}）· 事件 {incidents}（合并 {merged}）"
                         "· 派单 {orders} · 已处置 {resolved}"},
    "kpi.col.measure": {"en": "Measure", "zh": "指标"},
    "kpi.col.count": {"en": "n", "zh": "次数"},
    "kpi.col.p50": {"en": "p50", "zh": "中位数"},
    "kpi.col.p90": {"en": "p90", "zh": "90分位"},
    "kpi.col.within": {"en": "within", "zh": "达标率"},
    "kpi.col.bar": {"en": "share within the deadline", "zh": "时限内占比"},
    "kpi.answer": {"en": "Time to answer", "zh": "接听用时"},
    "kpi.dispatch": {"en": "Call to first order", "zh": "来电至派单"},
    "kpi.resolve": {"en": "Call to resolved", "zh": "来电至处置"},
    "kpi.received": {"en": "{service} received", "zh": "{service} 确认接单"},
    "kpi.on_scene": {"en": "{service} on scene", "zh": "{service} 到场"},
    "kpi.spark_dispatch": {"en": "Call to first order, per incident (oldest left)",
                           "zh": "各事件来电至派单用时（左旧右新）"},
    "kpi.spark.max": {"en": "max {value}", "zh": "最长 {value}"},
    "kpi.spark.min": {"en": "min {value}", "zh": "最短 {value}"},
    "kpi.spark.first": {"en": "first: {incident}", "zh": "最早：{incident}"},
    "kpi.spark.last": {"en": "last: {incident}", "zh": "最新：{incident}"},
    "kpi.spark.none": {"en": "no incident has an order yet", "zh": "尚无已派单的事件"},
    "kpi.breaches": {"en": "Deadline breaches: {total}", "zh": "超时告警：{total}"},
    "kpi.drills": {"en": "Drill {drill}: {score}/100", "zh": "演练 {drill}：{score}/100"},
    "help.title": {"en": "Keys", "zh": "按键说明"},
    # -- the command palette's own commands (Textual's, in the console's language) ------
    "palette.placeholder": {"en": "Search for commands…", "zh": "搜索命令……"},
    "system.theme": {"en": "Theme", "zh": "主题"},
    "system.theme.help": {"en": "Change the current theme", "zh": "切换界面配色"},
    "system.quit": {"en": "Quit", "zh": "退出"},
    "system.quit.help": {"en": "Quit the application as soon as possible",
                         "zh": "立即退出调度台"},
    "system.keys": {"en": "Keys", "zh": "按键"},
    "system.keys.help": {"en": "Show or hide the keys of the focused widget",
                         "zh": "显示或隐藏当前控件的按键说明"},
    "system.maximize": {"en": "Maximize", "zh": "最大化"},
    "system.maximize.help": {"en": "Maximize the focused widget", "zh": "最大化当前控件"},
    "system.minimize": {"en": "Minimize", "zh": "还原"},
    "system.minimize.help": {"en": "Restore the widget to its normal size",
                             "zh": "将控件还原为正常大小"},
    "system.screenshot": {"en": "Screenshot", "zh": "截图"},
    "system.screenshot.help": {"en": "Save an SVG screenshot of the current screen",
                               "zh": "将当前屏幕保存为 SVG 截图"},
    "seats.title": {"en": "The floor: {seats} {seats:@seat|seats}, {free} free, "
                          "calls ringing {ringing}",
                    "zh": "席位总览：共 {seats} 个席位，空闲 {free} 个，待接来电 {ringing} 个"},
    "seats.seat": {"en": "Seat", "zh": "席位"},
    "seats.operator": {"en": "Operator", "zh": "话务员"},
    "seats.state": {"en": "State", "zh": "状态"},
    "seats.for": {"en": "For", "zh": "持续"},
    "seats.calls": {"en": "Calls", "zh": "接听数"},
    "seats.incidents": {"en": "Open incidents", "zh": "负责事件"},
    "seats.none": {"en": "No seat has joined the floor yet", "zh": "尚无席位加入"},
    "seats.ringing": {"en": "Calls ringing: {count}", "zh": "待接来电：{count}"},
    "seats.no_call": {"en": "No call ringing", "zh": "暂无来电"},
    "seats.free": {"en": "Free seats: {count} {seats}", "zh": "空闲席位：{count} {seats}"},
    "seat.free": {"en": "free", "zh": "空闲"},
    "seat.call": {"en": "on a call", "zh": "通话中"},
    "seat.wrap_up": {"en": "wrap-up", "zh": "话后处理"},
    "seat.away": {"en": "away", "zh": "离席"},
    "keys.seats": {"en": "Esc back   (live: every seat's work as the log records it)",
                   "zh": "Esc 返回   （实时：各席位工作状态随日志更新）"},
    "help.marks": {"en": "Order marks: S sent (outbox) · D delivered to broker · R received · "
                         "A accepted by unit · E en route · O on scene · C cleared · "
                         "X declined · ! no acknowledgement",
                   "zh": "派单标记：发 已发出（发件箱）· 达 已送达服务器 · 收 已接收 · "
                         "接 单位已接受 · "
                         "途 已出发 · 场 已到场 · 毕 已完成 · 拒 已拒绝 · 超 未确认"},
    "score.title": {"en": "Drill: {title}", "zh": "演练：{title}"},
    "score.total": {"en": "Score {score}/100", "zh": "得分 {score}/100"},
    "score.call": {"en": "{n}. {incident} {playbook}: answer {answer} dispatch {dispatch} "
                         "score {score}",
                   "zh": "{n}. {incident} {playbook}：接听 {answer} 派单 {dispatch} 得分 {score}"},
    "score.missing": {"en": "   missing orders {orders}; missing advice {advice}",
                      "zh": "   漏派 {orders}；漏提示 {advice}"},
    "score.keys": {"en": "Esc closes · q quits", "zh": "Esc 关闭 · q 退出"},
    "drill.waiting": {"en": "Starting the drill: broker, recipients, first call…",
                      "zh": "正在启动演练：消息服务器、接收单位、首个来电……"},
}

#: Every text of the console: its own, the incident pane's and the desk's refusals.
TEXTS: dict[str, dict[str, str]] = {**_CONSOLE, **PANE_TEXTS, **REFUSAL_TEXTS}


def t(key: str, lang: str = "en", **fields: Any) -> str:
    """The console text for ``key`` in ``lang`` (English if ``lang`` is unknown), filled in.

    Raises:
        KeyError: No text has that key (a programming error).
    """
    return render(TEXTS[key], lang, **fields)


@lru_cache(maxsize=512)  # the board asks for the same few labels for every row
def kind_label(kind: str | None, lang: str) -> str:
    """A playbook id in words (``None``: not yet classified)."""
    key = f"kind.{kind or 'none'}"
    return t(key, lang) if key in TEXTS else str(kind)


@lru_cache(maxsize=1024)
def label(prefix: str, value: str | None, lang: str) -> str:
    """``prefix.value`` in words, or the value itself when there is no text for it."""
    key = f"{prefix}.{value}"
    return t(key, lang) if key in TEXTS else str(value or "")


def account_error(message: str, lang: str) -> str:
    """An account's refusal in ``lang`` (a message without a text stays as it is)."""
    key = f"account.{message}"
    return t(key, lang) if key in TEXTS else message


def duration(seconds: float) -> str:
    """A short duration: ``45s``, ``12m``, ``3h05``, ``2d04``."""
    s = int(max(0, seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h{(s % 3600) // 60:02d}"
    return f"{s // 86400}d{(s % 86400) // 3600:02d}"


def clock_left(seconds: float) -> str:
    """Time left on a deadline as ``m:ss`` (``-m:ss`` past due)."""
    sign = "-" if seconds < 0 else ""
    s = int(abs(seconds))
    if s >= 3600:
        return f"{sign}{s // 3600}h{(s % 3600) // 60:02d}"
    return f"{sign}{s // 60}:{s % 60:02d}"
