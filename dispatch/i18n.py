"""Bilingual texts of the core: every message exists in English and Simplified Chinese.

Screens and commands look texts up by key with :func:`text`; a test checks
that every key has both languages and the same placeholders in each.
"""

from __future__ import annotations

import string
from typing import Any

LANGS = ("en", "zh")

#: Key → {lang: template}.  Templates use ``str.format`` fields.
TEXTS: dict[str, dict[str, str]] = {
    "event.call_received": {"en": "Call from {name} ({phone}): “{says}”",
                            "zh": "来电 {name}（{phone}）：“{says}”"},
    "event.call_answered": {"en": "Call answered", "zh": "已接听"},
    "event.incident_opened": {"en": "Incident opened ({kind})", "zh": "建立事件（{kind}）"},
    "event.location_set": {"en": "Location: {place}", "zh": "位置：{place}"},
    "event.playbook_applied": {"en": "Playbook applied: {playbook}", "zh": "采用预案：{playbook}"},
    "event.answer_recorded": {"en": "Answer to “{question}”: {value}",
                              "zh": "回答“{question}”：{value}"},
    "event.advice_given": {"en": "Safety advice given: {advice}", "zh": "已提示安全事项：{advice}"},
    "event.priority_set": {"en": "Priority set to {priority}", "zh": "优先级设为 {priority}"},
    "event.order_sent": {"en": "Order sent to {to}", "zh": "已向 {to} 派单"},
    "event.order_delivered": {"en": "Order to {to} delivered to the broker",
                              "zh": "派单已送达服务器（{to}）"},
    "event.order_status": {"en": "{to} reports {status}", "zh": "{to} 回报：{status}"},
    "event.order_timeout": {"en": "No acknowledgement from {to}", "zh": "{to} 未确认接单"},
    "event.order_resent": {"en": "Order to {to} sent again", "zh": "已向 {to} 重新派单"},
    "event.order_escalated": {"en": "Escalated: no answer from {to}, phone {phone}",
                              "zh": "升级处理：{to} 无应答，请电话联系 {phone}"},
    "event.link_down": {"en": "Broker link down", "zh": "消息服务器连接中断"},
    "event.link_up": {"en": "Broker link up", "zh": "消息服务器连接恢复"},
    "event.log_recovered": {"en": "Log writable again after {fault} since {since}",
                            "zh": "日志恢复可写（自 {since} 起：{fault}）"},
    "event.deadline_breached": {"en": "Deadline breached: {deadline} (due {due_at})",
                                "zh": "超时：{deadline}（应于 {due_at} 前完成）"},
    "event.incident_opened_bare": {"en": "Incident opened", "zh": "建立事件"},
    "event.command_refused": {"en": "Refused: {command} for role {role}: {reason}",
                              "zh": "已拒绝：角色 {role} 无权执行 {command}：{reason}"},
    "event.investigation_recorded": {"en": "Investigation recorded: {finding}",
                                     "zh": "已记录调查结果：{finding}"},
    "event.callback_recorded": {"en": "Callback recorded, satisfied: {satisfied}",
                                "zh": "已记录回访，满意：{satisfied}"},
    "event.drill_scored": {"en": "Drill {drill} scored {score}/100",
                           "zh": "演练 {drill} 得分 {score}/100"},
    "event.operator_login": {"en": "Operator {operator} logged in", "zh": "话务员 {operator} 登录"},
    "event.operator_logout": {"en": "Operator {operator} logged out",
                              "zh": "话务员 {operator} 退出"},
    "event.login_failed": {"en": "Failed login for {operator}: {reason}",
                           "zh": "{operator} 登录失败：{reason}"},
    "event.operator_changed": {"en": "Account {operator}: {change}",
                               "zh": "账号 {operator}：{change}"},
    "event.order_cancelled": {"en": "Order to {to} cancelled: {reason}",
                              "zh": "已撤销发往 {to} 的派单：{reason}"},
    "event.advisory_published": {"en": "Public advisory ({msg_type}): {headline}",
                                 "zh": "公众提示（{msg_type}）：{headline}"},
    "event.note_added": {"en": "Note: {text}", "zh": "备注：{text}"},
    "event.incidents_merged": {"en": "Merged into this incident: {merged}",
                               "zh": "并入本事件：{merged}"},
    "event.mode_changed": {"en": "Mode changed to {mode}", "zh": "工作模式切换为 {mode}"},
    "event.incident_resolved": {"en": "Incident resolved", "zh": "事件已处置完毕"},
    "event.incident_closed": {"en": "Incident closed", "zh": "事件已关闭"},
    "event.incident_reopened": {"en": "Incident reopened", "zh": "事件已重新打开"},
    "event.incident_transferred": {"en": "Incident handed from {owner} to {to}: {reason}",
                                   "zh": "事件由 {owner} 移交给 {to}：{reason}"},
    "event.seat_joined": {"en": "Seat {seat} opened ({operator})",
                          "zh": "席位 {seat} 上线（{operator}）"},
    "event.seat_left": {"en": "Seat {seat} left", "zh": "席位 {seat} 下线"},
    "event.message_rejected": {"en": "Message rejected on {topic}: {reason}",
                               "zh": "拒收消息（{topic}）：{reason}"},
    "event.other": {"en": "{type} {data}", "zh": "{type} {data}"},
    "timeline.header": {"en": "Incident {id} · {kind} · priority {priority} · {status}",
                        "zh": "事件 {id} · {kind} · 优先级 {priority} · {status}"},
    "timeline.rebuilt": {"en": "Rebuilt the projections from {events} {events:@event|events}: "
                               "{incidents} {incidents:@incident|incidents}, {pending} "
                               "{pending:@order|orders} waiting in the outbox.",
                         "zh": "已由 {events} 条事件记录重建投影：{incidents} 个事件，"
                               "{pending} 条派单在发件箱等待。"},
    "export.done": {"en": "Exported {count} {count:@event|events} to {out}.",
                    "zh": "已导出 {count} 条记录到 {out}。"},
    "export.files": {"en": "Wrote {count} {count:@document|documents} to {out}.",
                     "zh": "已写入 {count} 份文档到 {out}。"},
    "export.no_alerts": {"en": "{log}: no CAP advisory in the log (or since --since): "
                               "nothing to export",
                         "zh": "{log}：日志中（或 --since 之后）没有公众提示（CAP）：无可导出内容"},
    "export.cap_many": {"en": "{count} CAP alerts: CAP is one alert per XML document; give a "
                              "folder (--out DIR/) for one file per alert",
                        "zh": "共 {count} 条 CAP 提示：每份 XML 文档只能有一条提示；请用 "
                              "--out 目录/ 逐条写成文件"},
    "unknown": {"en": "unknown", "zh": "未知"},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "none": {"en": "none", "zh": "无"},
}

#: Words for the values events carry (order states, incident states, modes, deadlines,
#: kinds, the system's actors), by group then value: what a timeline shows instead of an id.
WORDS: dict[str, dict[str, dict[str, str]]] = {
    "order": {
        "sent": {"en": "sent", "zh": "已发出"},
        "delivered": {"en": "delivered", "zh": "已送达"},
        "received": {"en": "received", "zh": "已接收"},
        "accepted": {"en": "accepted", "zh": "已接受"},
        "declined": {"en": "declined", "zh": "已拒绝"},
        "en_route": {"en": "en route", "zh": "已出发"},
        "on_scene": {"en": "on scene", "zh": "已到场"},
        "cleared": {"en": "cleared", "zh": "已完成"},
        "cancelled": {"en": "cancelled", "zh": "已撤销"},
    },
    "status": {
        "open": {"en": "open", "zh": "处理中"},
        "resolved": {"en": "resolved", "zh": "已处置"},
        "closed": {"en": "closed", "zh": "已关闭"},
        "merged": {"en": "merged", "zh": "已合并"},
    },
    "mode": {
        "normal": {"en": "normal", "zh": "正常"},
        "peak": {"en": "peak load", "zh": "话务高峰"},
        "outage": {"en": "outage", "zh": "系统故障"},
    },
    "deadline": {
        "answer": {"en": "answer", "zh": "接听"},
        "dispatch": {"en": "dispatch", "zh": "派单"},
        "on_scene": {"en": "on scene", "zh": "到场"},
        "resolve": {"en": "resolve", "zh": "处置"},
        "investigate": {"en": "investigate", "zh": "调查"},
        "callback": {"en": "callback", "zh": "回访"},
    },
    "kind": {
        "accident": {"en": "accident", "zh": "交通事故"},
        "breakdown": {"en": "breakdown", "zh": "车辆故障"},
        "outage": {"en": "outage", "zh": "系统故障"},
        "peak_load": {"en": "peak load", "zh": "话务高峰"},
        "complaint": {"en": "complaint", "zh": "投诉"},
    },
    "role": {
        "operator": {"en": "operator", "zh": "话务员"},
        "supervisor": {"en": "supervisor", "zh": "值班长"},
        "trainer": {"en": "trainer", "zh": "教员"},
        "admin": {"en": "admin", "zh": "管理员"},
    },
    "actor": {
        "system": {"en": "system", "zh": "系统"},
        "autopilot": {"en": "autopilot", "zh": "自动话务员"},
        "drill": {"en": "drill", "zh": "演练"},
        "gateway": {"en": "gateway", "zh": "电话网关"},
        "phone": {"en": "phone line", "zh": "电话录入"},
        "trainee": {"en": "trainee", "zh": "学员"},
    },
    "reason": {  # why a login failed (dispatch/operators.py records these)
        "wrong password": {"en": "wrong password", "zh": "密码错误"},
        "unknown operator": {"en": "unknown operator", "zh": "没有这个工号"},
        "account disabled": {"en": "account disabled", "zh": "账号已停用"},
    },
    "type": {
        "call_received": {"en": "call", "zh": "来电"},
        "call_answered": {"en": "answered", "zh": "接听"},
        "incident_opened": {"en": "opened", "zh": "建立事件"},
        "location_set": {"en": "location", "zh": "定位"},
        "playbook_applied": {"en": "playbook", "zh": "采用预案"},
        "answer_recorded": {"en": "answer", "zh": "回答"},
        "advice_given": {"en": "advice", "zh": "安全提示"},
        "priority_set": {"en": "priority", "zh": "优先级"},
        "order_sent": {"en": "order sent", "zh": "派单"},
        "order_delivered": {"en": "delivered", "zh": "送达"},
        "order_status": {"en": "status", "zh": "回报"},
        "order_timeout": {"en": "no ack", "zh": "未确认"},
        "order_resent": {"en": "resent", "zh": "重发"},
        "order_escalated": {"en": "escalated", "zh": "升级"},
        "order_cancelled": {"en": "cancelled", "zh": "撤销派单"},
        "note_added": {"en": "note", "zh": "备注"},
        "incidents_merged": {"en": "merged", "zh": "合并"},
        "mode_changed": {"en": "mode", "zh": "模式"},
        "incident_resolved": {"en": "resolved", "zh": "处置完毕"},
        "incident_closed": {"en": "closed", "zh": "关闭"},
        "incident_reopened": {"en": "reopened", "zh": "重新打开"},
        "incident_transferred": {"en": "handed over", "zh": "移交"},
        "message_rejected": {"en": "rejected", "zh": "拒收消息"},
        "link_down": {"en": "link down", "zh": "连接中断"},
        "link_up": {"en": "link up", "zh": "连接恢复"},
        "log_recovered": {"en": "log recovered", "zh": "日志恢复"},
        "deadline_breached": {"en": "breach", "zh": "超时"},
        "command_refused": {"en": "refused", "zh": "拒绝操作"},
        "investigation_recorded": {"en": "investigation", "zh": "调查"},
        "callback_recorded": {"en": "callback", "zh": "回访"},
        "drill_scored": {"en": "drill score", "zh": "演练评分"},
        "operator_login": {"en": "login", "zh": "登录"},
        "operator_logout": {"en": "logout", "zh": "退出"},
        "login_failed": {"en": "login failed", "zh": "登录失败"},
        "operator_changed": {"en": "account", "zh": "账号变更"},
        "advisory_published": {"en": "advisory", "zh": "公众提示"},
        "seat_joined": {"en": "seat open", "zh": "席位上线"},
        "seat_left": {"en": "seat left", "zh": "席位下线"},
    },
}


class _Formatter(string.Formatter):
    """``str.format`` plus English plurals: ``{count:@order|orders}`` is the noun for ``count``.

    ``{count} {count:@order|orders} sent`` reads "1 order sent", "2 orders sent";
    Chinese templates need no such field.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec.startswith("@"):
            one, _, many = format_spec[1:].partition("|")
            return one if str(value) == "1" else many
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


def plural(count: object, one: str, many: str) -> str:
    """``one`` when ``count`` is 1, else ``many`` (for texts built outside a template)."""
    return one if str(count) == "1" else many


class _Blank(dict[str, Any]):
    """Format mapping that shows a missing field as ``?`` instead of failing."""

    def __missing__(self, key: str) -> str:
        return "?"


def render(templates: dict[str, str], lang: str = "en", **fields: Any) -> str:
    """Fill the template of ``lang`` (English if ``lang`` is unknown) from ``templates``."""
    template = templates.get(lang) or templates["en"]
    return _FORMATTER.vformat(template, (), _Blank(fields))


def text(key: str, lang: str = "en", **fields: Any) -> str:
    """The core text for ``key`` in ``lang``, filled in.

    Raises:
        KeyError: No text has that key (a programming error, not a user's).
    """
    return render(TEXTS[key], lang, **fields)


def word(group: str, value: object, lang: str = "en") -> str:
    """``value`` of ``group`` (``order``, ``status``, ``mode``, ``deadline``, ``kind``,
    ``role``, ``actor``, ``reason``, ``type``) in words; an unknown value as itself
    (never ``None``)."""
    words = WORDS.get(group, {}).get(str(value))
    if words is None:
        return show_value(value, lang)
    return words.get(lang) or words["en"]


def show_value(value: Any, lang: str = "en") -> str:
    """A value as a person reads it: ``True`` → yes/是, ``None`` → unknown/未知, lists joined.

    Python's ``None``, ``True`` and ``False`` never reach a screen or a timeline.
    """
    if value is None:
        return text("unknown", lang)
    if isinstance(value, bool):
        return text("yes" if value else "no", lang)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "、".join(show_value(v, lang) for v in value) if lang == "zh" else \
            ", ".join(show_value(v, lang) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={show_value(v, lang)}" for k, v in value.items())
    return str(value)


def placeholders(template: str) -> set[str]:
    """The field names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
