"""The floor's actions, one row each: id, keys, words in both languages, who may use it.

:mod:`dispatch.tui.keymap` generates from these rows everything that names a
key (bindings, palette, F1 help, keys line, the README's key table).  Data only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Words = dict[str, str]
Scope = Literal["floor", "replay"]


@dataclass(frozen=True)
class Action:
    """One action of the floor.

    Attributes:
        id: The screen's action (``dispatch`` runs ``action_dispatch``; ``priority(1)``).
        keys: Textual key names that run it (``("f1", "question_mark")``); empty: the key
            belongs to a widget or the app, the row only documents it.
        shown: The keys as a person reads them (``("F1", "?")``).
        label: The palette's words.
        help: The F1 help's (and the README's) words.
        needs: The desk permission the operator's role must have (``None``: anyone).
        scope: ``floor`` (live and replay alike) or ``replay`` (the replay's controls only).
        line: The keys line's short words (``None``: not on the keys line).
        group: Where the help lists it (a key of :data:`GROUPS`).
        palette: Offered in the command palette.
    """

    id: str
    keys: tuple[str, ...]
    shown: tuple[str, ...]
    label: Words
    help: Words
    needs: str | None = None
    scope: Scope = "floor"
    line: Words | None = None
    group: str = "call"
    palette: bool = True


#: Group → its heading, in the order the help lists them.
GROUPS: dict[str, Words] = {
    "call": {"en": "A call", "zh": "来电处置"},
    "incident": {"en": "The incident", "zh": "事件"},
    "board": {"en": "The board", "zh": "事件列表"},
    "views": {"en": "Views", "zh": "视图"},
    "replay": {"en": "Replay", "zh": "回放"},
    "console": {"en": "The console", "zh": "控制台"},
}


def _priority(level: int) -> Action:
    return Action(
        f"priority({level})", (str(level),), (str(level),),
        {"en": f"Priority {level}", "zh": f"优先级 {level}"},
        {"en": "set the priority (1 highest, 4 lowest)", "zh": "设置优先级（1 最高，4 最低）"},
        needs="set_priority")


ACTIONS: tuple[Action, ...] = (
    # -- a call -------------------------------------------------------------------------
    Action("answer", ("a",), ("a",),
           {"en": "Answer the marked call", "zh": "接听标记的来电"},
           {"en": "answer the call marked > in the queue (the most urgent unless moved with "
                  "[ or ]) and open its incident, placed where the call said; on a floor, if "
                  "another seat was quicker, one line says who took it",
            "zh": "接听队列中 > 标记的来电（默认最紧急的，可用 [ ] 移动）并建立事件，"
                  "按来电位置定位；多席位时若已被他人接听，提示由谁接听"},
           needs="answer", line={"en": "answer", "zh": "接听"}),
    Action("queue_up", ("left_square_bracket",), ("[",),
           {"en": "Queue: mark the call above", "zh": "来电队列：标记上一个来电"},
           {"en": "move the queue's mark up (towards the most urgent)",
            "zh": "来电队列标记上移（更紧急的方向）"}),
    Action("queue_down", ("right_square_bracket",), ("]",),
           {"en": "Queue: mark the call below", "zh": "来电队列：标记下一个来电"},
           {"en": "move the queue's mark down", "zh": "来电队列标记下移"}),
    Action("type_call", ("c",), ("c",),
           {"en": "Type in a call", "zh": "人工录入来电"},
           {"en": "type in a call (the phone line while the gateway cannot reach the console): "
                  "the caller is on the line, so it is answered and its incident opened at once",
            "zh": "人工录入来电（网关无法送达时使用）：来电人正在线上，录入后立即接听并建立事件"},
           needs="receive_call"),
    Action("focus_location", ("l",), ("l",),
           {"en": "Type the location", "zh": "输入位置"},
           {"en": "type the location (stake `G4 K1024+300` or `lat,lon`); Enter sets it, Esc "
                  "goes back to commands",
            "zh": "输入位置（桩号 `G4 K1024+300` 或 `纬度,经度`）；回车确认，Esc 返回命令"},
           needs="set_location", line={"en": "place", "zh": "位置"}),
    Action("playbook", ("p",), ("p",),
           {"en": "Apply the suggested playbook", "zh": "采用建议预案"},
           {"en": "apply the suggested playbook (any playbook: the command palette)",
            "zh": "采用建议预案（其他预案：命令面板）"},
           needs="apply_playbook", line={"en": "playbook", "zh": "预案"}),
    Action("ask", ("i",), ("i",),
           {"en": "Ask the next question", "zh": "询问下一项"},
           {"en": "ask the next question (in drills and the demo the caller's answer shows); "
                  "type the answer, Enter records it",
            "zh": "询问下一项（演练与演示中显示来电人回答）；输入回答，回车记录"},
           needs="record_answer", line={"en": "ask", "zh": "询问"}),
    Action("confirm_suggested", ("y",), ("y",),
           {"en": "Confirm the suggested answers", "zh": "确认建议回答"},
           {"en": "record every answer the caller's words suggest (shown as \"suggested\" "
                  "next to its question)",
            "zh": "记录来电人话中已给出的全部建议回答（显示在对应问题旁）"},
           needs="record_answer"),
    Action("advice", ("g",), ("g",),
           {"en": "Mark the highlighted safety advice given", "zh": "标记高亮安全提示已告知"},
           {"en": "mark the highlighted safety advice on the banner as read to the caller",
            "zh": "标记横幅中高亮的安全提示已告知来电人"},
           needs="give_advice", line={"en": "advice", "zh": "已告知"}),
    Action("advice_next", ("G",), ("G",),
           {"en": "Highlight the next safety advice", "zh": "高亮下一条安全提示"},
           {"en": "move the banner's highlight to the next safety advice",
            "zh": "横幅高亮移至下一条安全提示"}),
    Action("dispatch", ("d",), ("d",),
           {"en": "Send the recommended orders", "zh": "派出建议派单"},
           {"en": "send every recommended order", "zh": "派出全部建议派单"},
           needs="dispatch", line={"en": "send", "zh": "派单"}),
    *(_priority(level) for level in (1, 2, 3, 4)),
    Action("focus_note", ("n",), ("n",),
           {"en": "Write a note", "zh": "写备注"},
           {"en": "write a note (forbidden phrases are flagged); Enter records it",
            "zh": "写备注（检查禁用语）；回车记录"},
           needs="note", line={"en": "note", "zh": "备注"}),
    Action("hold", ("h",), ("h",),
           {"en": "Hold phrase", "zh": "请稍候话术"},
           {"en": "show the hold phrase (again: back to the phrase of the moment)",
            "zh": "显示请稍候话术（再按：恢复当前话术）"}),
    # -- the incident ---------------------------------------------------------------------
    Action("resolve", ("r",), ("r",),
           {"en": "Resolve the incident", "zh": "处置完毕"},
           {"en": "resolve the incident (the job is done on the road); with orders not cleared "
                  "it lists them and asks: y cancels them (their recipients are told)",
            "zh": "处置完毕（现场工作已完成）；有未完成派单时列出并确认："
                  "y 撤销派单（通知接收单位）"},
           needs="resolve", group="incident", line={"en": "resolve", "zh": "处置完毕"}),
    Action("close_incident", ("x",), ("x",),
           {"en": "Close the incident", "zh": "关闭事件"},
           {"en": "close the incident; with orders not cleared it lists them and asks: y "
                  "cancels them (their recipients are told)",
            "zh": "关闭事件；有未完成派单时列出并确认：y 撤销派单（通知接收单位）"},
           needs="close", group="incident", line={"en": "close", "zh": "关闭"}),
    Action("reopen", ("o",), ("o",),
           {"en": "Reopen the incident", "zh": "重新打开事件"},
           {"en": "reopen a resolved or closed incident (supervisors, trainers)",
            "zh": "重新打开已处置或已关闭的事件（值班长、教员）"},
           needs="reopen", group="incident"),
    Action("cancel_order", ("C",), ("C",),
           {"en": "Cancel an order", "zh": "撤销派单"},
           {"en": "cancel one of the incident's orders not cleared, saying why; its recipient "
                  "gets a cancel order (supervisors)",
            "zh": "撤销选中事件的一条未完成派单并说明原因；接收单位收到撤销指令（值班长）"},
           needs="cancel_order", group="incident"),
    Action("mark", ("u",), ("u",),
           {"en": "Mark for merging", "zh": "标记待合并"},
           {"en": "mark the incident, to merge it into another with M",
            "zh": "标记事件，再用 M 并入另一事件"},
           needs="merge", group="incident"),
    Action("merge", ("M",), ("M",),
           {"en": "Merge the marked incident into this one", "zh": "将标记事件并入当前事件"},
           {"en": "merge the marked incident into the selected one",
            "zh": "将已标记事件并入选中事件"},
           needs="merge", group="incident"),
    Action("investigation", ("v",), ("v",),
           {"en": "Record the complaint's investigation", "zh": "记录投诉调查"},
           {"en": "record a complaint's investigation", "zh": "记录投诉调查结果"},
           needs="record_investigation", group="incident"),
    Action("callback", ("b",), ("b",),
           {"en": "Record the complaint's callback", "zh": "记录投诉回访"},
           {"en": "record a complaint's callback: was the caller satisfied (yes / no)",
            "zh": "记录投诉回访：来电人是否满意（是 / 否）"},
           needs="record_callback", group="incident"),
    Action("transfer", ("T",), ("T",),
           {"en": "Hand the incident to another operator", "zh": "移交事件"},
           {"en": "hand the selected incident to another operator on the floor (who, and "
                  "why); a supervisor may take one over",
            "zh": "将选中事件移交在席的其他话务员（移交给谁、原因）；值班长可直接接管"},
           needs="transfer", group="incident"),
    # -- the board ------------------------------------------------------------------------
    Action("cursor", (), ("↑ ↓", "PgUp PgDn"),
           {"en": "Move on the board", "zh": "在事件列表中移动"},
           {"en": "move on the board (the pane shows the incident under the cursor)",
            "zh": "在事件列表中移动（下方显示光标所在事件）"},
           group="board", palette=False),
    Action("sort", ("s",), ("s",),
           {"en": "Sort the board by priority", "zh": "按优先级排序"},
           {"en": "sort the board by priority", "zh": "事件列表按优先级排序"}, group="board"),
    Action("mine", ("w",), ("w",),
           {"en": "Board: only my incidents / every incident", "zh": "事件列表：仅我负责的 / 全部"},
           {"en": "the board shows only my incidents / all (status bar `MINE shown/total`)",
            "zh": "事件列表仅显示我负责的 / 全部（状态栏显示“仅我的 显示数/总数”）"},
           group="board"),
    # -- views ----------------------------------------------------------------------------
    Action("timeline", ("t",), ("t",),
           {"en": "Timeline", "zh": "时间线"},
           {"en": "the incident's timeline", "zh": "事件时间线"},
           group="views", line={"en": "timeline", "zh": "时间线"}),
    Action("map", ("m",), ("m",),
           {"en": "Map", "zh": "地图"},
           {"en": "the map, centred on the incident", "zh": "地图（以选中事件为中心）"},
           group="views", line={"en": "map", "zh": "地图"}),
    Action("kpi", ("k",), ("k",),
           {"en": "Key figures", "zh": "关键指标"},
           {"en": "key figures (KPIs)", "zh": "关键指标"},
           group="views", line={"en": "KPIs", "zh": "指标"}),
    Action("seats", ("f",), ("f",),
           {"en": "The floor: every seat", "zh": "席位总览"},
           {"en": "the floor view: every seat with its operator, state (free / on a call / "
                  "wrap-up / away) and for how long, its open incidents and calls taken; the "
                  "ringing calls and how long they wait; free seats",
            "zh": "席位总览：各席位的话务员、状态（空闲 / 通话中 / 话后处理 / 离席）及持续时间、"
                  "负责事件与接听数；待接来电及等待时间；空闲席位"},
           group="views"),
    Action("help", ("f1", "question_mark"), ("F1", "?"),
           {"en": "Help: every key", "zh": "帮助：全部按键"},
           {"en": "help: every key", "zh": "帮助：全部按键"},
           group="views", line={"en": "help", "zh": "帮助"}),
    Action("palette", (), ("ctrl+p",),
           {"en": "Command palette", "zh": "命令面板"},
           {"en": "command palette: every action, and \"apply playbook …\" for each playbook",
            "zh": "命令面板：全部操作，以及各预案的“采用预案”"},
           group="views", line={"en": "palette", "zh": "命令"}, palette=False),
    # -- replay ---------------------------------------------------------------------------
    Action("play", ("space",), ("space",),
           {"en": "Replay: play or pause", "zh": "回放：播放或暂停"},
           {"en": "replay: play or pause", "zh": "回放：播放或暂停"},
           scope="replay", group="replay", line={"en": "play/pause", "zh": "播放/暂停"}),
    Action("step", ("full_stop",), (".",),
           {"en": "Replay: one step", "zh": "回放：单步"},
           {"en": "replay: one step", "zh": "回放：单步"},
           scope="replay", group="replay", line={"en": "step", "zh": "单步"}),
    Action("faster", ("plus",), ("+",),
           {"en": "Replay: faster", "zh": "回放：加速"},
           {"en": "replay: twice as fast", "zh": "回放：加速一倍"},
           scope="replay", group="replay", line={"en": "faster", "zh": "加速"}),
    Action("slower", ("minus",), ("-",),
           {"en": "Replay: slower", "zh": "回放：减速"},
           {"en": "replay: half as fast", "zh": "回放：减速一半"},
           scope="replay", group="replay", line={"en": "slower", "zh": "减速"}),
    # -- the console ----------------------------------------------------------------------
    Action("to_board", ("escape",), ("Esc",),
           {"en": "Back to the board", "zh": "返回事件列表"},
           {"en": "back to commands on the board, recording nothing typed (or close a view)",
            "zh": "返回事件列表的命令状态，不记录已输入内容（或关闭视图）"},
           group="console", palette=False),
    Action("quit_console", ("q",), ("q",),
           {"en": "Quit", "zh": "退出"},
           {"en": "quit (the operator is logged out); with incidents open or calls ringing "
                  "it asks first",
            "zh": "退出（话务员登出）；有处理中事件或待接来电时先确认"},
           group="console", line={"en": "quit", "zh": "退出"}),
    Action("quit_now", (), ("ctrl+q",),
           {"en": "Quit at once", "zh": "立即退出"},
           {"en": "quit at once, without asking", "zh": "立即退出，不再确认"},
           group="console", palette=False),
)
