"""The field-unit screen's texts, in English and Simplified Chinese.

Kept apart from the screen so the texts can be checked (both languages, the
same placeholders) without importing Textual.
"""

from __future__ import annotations

from typing import Any

from dispatch.i18n import render

#: Key → {lang: template}.  Templates use ``str.format`` fields.
UNIT_TEXTS: dict[str, dict[str, str]] = {
    "title": {"en": "Field unit {address}", "zh": "出警终端 {address}"},
    "link.up": {"en": "● link up", "zh": "● 已连接"},
    "link.down": {"en": "● link down since {since}", "zh": "● 连接中断（自 {since}）"},
    "waiting": {"en": "{count} {count:@report|reports} waiting to go out",
                "zh": "{count} 条回报待发送"},
    "col.received": {"en": "Received", "zh": "接单时间"},
    "col.incident": {"en": "Incident", "zh": "事件"},
    "col.kind": {"en": "Kind", "zh": "类型"},
    "col.priority": {"en": "Priority", "zh": "优先级"},
    "col.place": {"en": "Road / stake", "zh": "道路/桩号"},
    "col.status": {"en": "Status", "zh": "状态"},
    "status.new": {"en": "new", "zh": "新派单"},
    "status.received": {"en": "received", "zh": "已接收"},
    "status.accepted": {"en": "accepted", "zh": "已接受"},
    "status.declined": {"en": "declined", "zh": "已拒绝"},
    "status.en_route": {"en": "en route", "zh": "已出发"},
    "status.on_scene": {"en": "on scene", "zh": "已到场"},
    "status.cleared": {"en": "cleared", "zh": "已完成"},
    "kind.accident": {"en": "accident", "zh": "交通事故"},
    "kind.breakdown": {"en": "breakdown", "zh": "车辆故障"},
    "kind.outage": {"en": "system outage", "zh": "系统故障"},
    "kind.peak_load": {"en": "peak load", "zh": "话务高峰"},
    "kind.complaint": {"en": "complaint", "zh": "投诉"},
    "detail.empty": {"en": "No order yet.", "zh": "暂无派单。"},
    "detail.order": {"en": "Order", "zh": "派单"},
    "detail.incident": {"en": "Incident", "zh": "事件"},
    "detail.kind": {"en": "Kind / priority", "zh": "类型/优先级"},
    "detail.location": {"en": "Location", "zh": "位置"},
    "detail.road": {"en": "Road", "zh": "道路"},
    "detail.stake": {"en": "Stake", "zh": "桩号"},
    "detail.direction": {"en": "Direction", "zh": "方向"},
    "detail.section": {"en": "Section", "zh": "路段"},
    "detail.jurisdiction": {"en": "Jurisdiction", "zh": "辖区"},
    "detail.position": {"en": "Map position", "zh": "坐标"},
    "detail.place_text": {"en": "As given", "zh": "原始描述"},
    "detail.summary": {"en": "Summary", "zh": "概要"},
    "detail.answers": {"en": "Caller's answers", "zh": "询问结果"},
    "detail.advice": {"en": "Advice already given", "zh": "已提示安全事项"},
    "detail.caller": {"en": "Caller", "zh": "报警人"},
    "detail.callback": {"en": "Callback number", "zh": "回拨电话"},
    "detail.operator": {"en": "Operator", "zh": "派单员"},
    "detail.status": {"en": "Status", "zh": "状态"},
    "detail.received_at": {"en": "Received at", "zh": "接单时间"},
    "none": {"en": "—", "zh": "—"},
    "colon": {"en": ": ", "zh": "："},
    "yes": {"en": "yes", "zh": "是"},
    "no": {"en": "no", "zh": "否"},
    "keys": {"en": "a accept · d decline · e en route · o on scene · c cleared · 0-9 status "
                   "code · q quit",
             "zh": "a 接受 · d 拒绝 · e 出发 · o 到场 · c 完成 · 0-9 状态码 · q 退出"},
    "code.noted": {"en": "{scheme} status {code} noted: it moves no order",
                   "zh": "{scheme} 状态 {code} 已记录：不改变派单状态"},
    "notify.new": {"en": "New order {incident}: {kind}, priority {priority}, {place}",
                   "zh": "新派单 {incident}：{kind}，优先级 {priority}，{place}"},
    "notify.sent": {"en": "{incident}: reported {status}", "zh": "{incident}：已回报{status}"},
    "notify.refused": {"en": "Not sent: {reason}", "zh": "未发送：{reason}"},
    "notify.no_order": {"en": "No order selected", "zh": "未选中派单"},
    "ask.decline": {"en": "Why do you decline {incident}?", "zh": "拒绝事件 {incident} 的原因？"},
    "ask.decline_hint": {"en": "reason (required)", "zh": "原因（必填）"},
    "ask.eta": {"en": "En route to {incident}: arrival in how many minutes? (optional)",
                "zh": "前往事件 {incident}：预计几分钟到达？（可不填）"},
    "ask.eta_hint": {"en": "minutes", "zh": "分钟"},
    "ask.keys": {"en": "Enter sends · Esc cancels", "zh": "回车发送 · Esc 取消"},
    "eta.bad": {"en": "ETA must be whole minutes from 0 to {max}",
                "zh": "预计到达时间须为 0 到 {max} 的整数分钟"},
}


def unit_text(key: str, lang: str = "en", **fields: Any) -> str:
    """The screen text for ``key`` in ``lang`` (English if ``lang`` is unknown), filled in.

    Raises:
        KeyError: No text has that key.
    """
    return render(UNIT_TEXTS[key], lang, **fields)


def status_label(status: str | None, lang: str) -> str:
    """A report status as the crew reads it (``None``: not even received)."""
    key = f"status.{status or 'new'}"
    return unit_text(key, lang) if key in UNIT_TEXTS else str(status)


def kind_label(kind: str, lang: str) -> str:
    """An order's kind (a playbook id) in words, or as sent if unknown."""
    key = f"kind.{kind}"
    return unit_text(key, lang) if key in UNIT_TEXTS else kind
