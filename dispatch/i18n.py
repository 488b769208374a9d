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
    "event.answer_recorded": {"en": "Answer {question} = {value}",
                              "zh": "回答 {question} = {value}"},
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


def placeholders(template: str) -> set[str]:
    """The field names a template uses."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
