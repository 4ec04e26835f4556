"""Events whose arguments lead back to themselves (``event-content-cycle``), for level 3 and the fast path alike.

A statement's Content is the event it reports. Followed from event to event, Content arguments must end
somewhere: a chain that returns to where it started (e1 → e1, e1 → e2 → e1) says a statement reports itself.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping, Sequence


def event_cycles(points_at: Mapping[str, Sequence[str]]) -> list[list[str]]:
    """One cycle per group of events that lead back to one another, as a path that starts and ends with the group's
    first event in the order of ``points_at`` (``[e1, e1]`` for an event pointing at itself); groups in that order.

    ``points_at`` maps each event id to the event ids its arguments point at; ids not among its keys lead nowhere.
    The groups are strongly connected components (Tarjan's algorithm, without recursion): linear in events and
    arguments.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    work: list[tuple[str, Iterator[str]]] = []  # the depth-first path: each event and the targets left to visit

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter([t for t in points_at[node] if t in points_at])))

    for root in points_at:
        if root in index:
            continue
        enter(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    enter(target)
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:  # back in the event that led here: it reaches whatever this one reaches
                caller = work[-1][0]
                low[caller] = min(low[caller], low[node])
            if low[node] == index[node]:
                group = []
                while not group or group[-1] != node:
                    group.append(stack.pop())
                    on_stack.discard(group[-1])
                if len(group) > 1 or node in points_at[node]:
                    groups.append(group)
    order = {event: k for k, event in enumerate(points_at)}
    members = {min(group, key=order.__getitem__): frozenset(group) for group in groups}
    return [_path_back(first, members[first], points_at) for first in sorted(members, key=order.__getitem__)]


def _path_back(first: str, members: frozenset[str], points_at: Mapping[str, Sequence[str]]) -> list[str]:
    """The shortest path from ``first`` back to itself inside its group (breadth first)."""
    came_from: dict[str, str] = {}
    queue = deque([first])
    while queue:
        node = queue.popleft()
        for target in points_at[node]:
            if target == first:
                path = [first, node]
                while path[-1] != first:
                    path.append(came_from[path[-1]])
                return path[::-1]
            if target in members and target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"{first} is in a cycle but no path leads back to it")  # unreachable: a group is a cycle
