"""Row heights of a long list as a Fenwick tree: top of a row and row at a line in O(log n)."""

from __future__ import annotations


class Heights:
    """Heights of ``count`` rows; rows not measured yet count as ``estimate`` lines.

    Only differences from the estimate are stored, so building the tree for 100,000 rows is
    one list allocation.
    """

    def __init__(self, count: int, estimate: int) -> None:
        self.count = count
        self.estimate = max(1, estimate)
        self._tree = [0] * (count + 1)
        self._delta: dict[int, int] = {}
        self._step = 1 << max(0, count.bit_length() - 1) if count else 0

    def height(self, index: int) -> int:
        """The height of one row."""
        return self.estimate + self._delta.get(index, 0)

    def is_measured(self, index: int) -> bool:
        """Whether the row's height was set (rather than estimated)."""
        return index in self._delta

    def set(self, index: int, height: int) -> bool:
        """Set a row's height; True when it changed."""
        delta = max(1, height) - self.estimate
        change = delta - self._delta.get(index, 0)
        self._delta[index] = delta
        if not change:
            return False
        position = index + 1
        while position <= self.count:
            self._tree[position] += change
            position += position & -position
        return True

    def top(self, index: int) -> int:
        """The first line of a row: the sum of the heights above it."""
        total = index * self.estimate
        position = index
        while position > 0:
            total += self._tree[position]
            position -= position & -position
        return total

    @property
    def total(self) -> int:
        """The height of all rows."""
        return self.top(self.count)

    def index_at(self, line: int) -> int:
        """The row that covers ``line`` (clamped to the first and last row)."""
        if self.count == 0:
            return 0
        position, accumulated = 0, 0
        step = self._step
        while step:
            following = position + step
            if following <= self.count:
                size = accumulated + self._tree[following] + step * self.estimate
                if size <= line:
                    position, accumulated = following, size
            step >>= 1
        return min(position, self.count - 1)
