"""The X11 windows that can be shared, and where a window is now: libX11 through ctypes (the
library mss already loads), so no new dependency.

With a window manager, the windows people mean are listed in the root's
``_NET_CLIENT_LIST``; without one (a bare Xvfb), they are the root's mapped children.
Titles come from ``_NET_WM_NAME`` (UTF-8), else ``WM_NAME``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import os
from dataclasses import dataclass

MIN_SIZE = 48
"""Windows smaller than this (tooltips, docks' slivers) are not offered."""


@dataclass(frozen=True, slots=True)
class WindowInfo:
    window_id: int
    title: str
    x: int
    y: int
    width: int
    height: int

    @property
    def region(self) -> dict[str, int]:
        return {"left": self.x, "top": self.y, "width": self.width, "height": self.height}


class _Attributes(ctypes.Structure):
    _fields_ = [
        ("x", ctypes.c_int),
        ("y", ctypes.c_int),
        ("width", ctypes.c_int),
        ("height", ctypes.c_int),
        ("border_width", ctypes.c_int),
        ("depth", ctypes.c_int),
        ("visual", ctypes.c_void_p),
        ("root", ctypes.c_ulong),
        ("c_class", ctypes.c_int),
        ("bit_gravity", ctypes.c_int),
        ("win_gravity", ctypes.c_int),
        ("backing_store", ctypes.c_int),
        ("backing_planes", ctypes.c_ulong),
        ("backing_pixel", ctypes.c_ulong),
        ("save_under", ctypes.c_int),
        ("colormap", ctypes.c_ulong),
        ("map_installed", ctypes.c_int),
        ("map_state", ctypes.c_int),
        ("all_event_masks", ctypes.c_long),
        ("your_event_mask", ctypes.c_long),
        ("do_not_propagate_mask", ctypes.c_long),
        ("override_redirect", ctypes.c_int),
        ("screen", ctypes.c_void_p),
    ]


_IS_VIEWABLE = 2
_ANY_PROPERTY_TYPE = 0


@functools.cache
def _xlib() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("X11")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XDefaultRootWindow.restype = ctypes.c_ulong
    lib.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
    lib.XQueryTree.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
        ctypes.POINTER(ctypes.c_uint),
    ]
    lib.XGetWindowAttributes.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.POINTER(_Attributes),
    ]
    lib.XTranslateCoordinates.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong),
    ]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetWindowProperty.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulong,
        ctypes.c_ulong,
        ctypes.c_long,
        ctypes.c_long,
        ctypes.c_int,
        ctypes.c_ulong,
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_int),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_ulong),
        ctypes.POINTER(ctypes.c_void_p),
    ]
    lib.XFree.argtypes = [ctypes.c_void_p]
    lib.XSetErrorHandler.restype = ctypes.c_void_p
    return lib


# A window can vanish between listing and asking about it: X errors must not kill the process.
_ERROR_HANDLER = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)(
    lambda _display, _event: 0
)


class _Display:
    def __init__(self, lib: ctypes.CDLL) -> None:
        self.lib = lib
        lib.XSetErrorHandler(_ERROR_HANDLER)
        self.ptr = lib.XOpenDisplay(None)
        if not self.ptr:
            raise OSError("cannot open the X display")
        self.root = lib.XDefaultRootWindow(self.ptr)

    def close(self) -> None:
        self.lib.XCloseDisplay(self.ptr)

    def _property(self, window: int, name: bytes) -> tuple[int, int, bytes] | None:
        lib = self.lib
        atom = lib.XInternAtom(self.ptr, name, 1)
        if not atom:
            return None
        actual_type, fmt = ctypes.c_ulong(), ctypes.c_int()
        items, after = ctypes.c_ulong(), ctypes.c_ulong()
        data = ctypes.c_void_p()
        status = lib.XGetWindowProperty(
            self.ptr, window, atom, 0, 1 << 16, 0, _ANY_PROPERTY_TYPE,
            ctypes.byref(actual_type), ctypes.byref(fmt), ctypes.byref(items),
            ctypes.byref(after), ctypes.byref(data),
        )  # fmt: skip
        if status != 0 or not data.value:
            return None
        try:
            size = {8: 1, 16: ctypes.sizeof(ctypes.c_short), 32: ctypes.sizeof(ctypes.c_long)}
            raw = ctypes.string_at(data.value, items.value * size.get(fmt.value, 1))
        finally:
            lib.XFree(data)
        return fmt.value, items.value, raw

    def client_list(self) -> list[int] | None:
        found = self._property(self.root, b"_NET_CLIENT_LIST")
        if found is None or found[0] != 32:
            return None
        count = found[1]
        return list((ctypes.c_ulong * count).from_buffer_copy(found[2][: count * 8]))

    def children(self, window: int) -> list[int]:
        root, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children = ctypes.POINTER(ctypes.c_ulong)()
        count = ctypes.c_uint()
        if not self.lib.XQueryTree(
            self.ptr, window, ctypes.byref(root), ctypes.byref(parent),
            ctypes.byref(children), ctypes.byref(count),
        ):  # fmt: skip
            return []
        try:
            return [children[i] for i in range(count.value)]
        finally:
            if children:
                self.lib.XFree(children)

    def title(self, window: int) -> str:
        for name in (b"_NET_WM_NAME", b"WM_NAME"):
            found = self._property(window, name)
            if found is not None and found[2]:
                return found[2].decode("utf-8", "replace").strip("\x00").strip()
        return ""

    def geometry(self, window: int) -> tuple[int, int, int, int] | None:
        """Root coordinates and size of a viewable window, else None."""
        attributes = _Attributes()
        if not self.lib.XGetWindowAttributes(self.ptr, window, ctypes.byref(attributes)):
            return None
        if attributes.map_state != _IS_VIEWABLE:
            return None
        x, y, child = ctypes.c_int(), ctypes.c_int(), ctypes.c_ulong()
        self.lib.XTranslateCoordinates(
            self.ptr, window, self.root, 0, 0, ctypes.byref(x), ctypes.byref(y), ctypes.byref(child)
        )
        return x.value, y.value, attributes.width, attributes.height


def _display() -> _Display | None:
    lib = _xlib()
    if lib is None or not os.environ.get("DISPLAY"):
        return None
    try:
        return _Display(lib)
    except OSError:
        return None


def list_windows() -> list[WindowInfo]:
    """The windows that can be shared, topmost last; empty without an X display."""
    display = _display()
    if display is None:
        return []
    try:
        candidates = display.client_list()
        if candidates is None:
            candidates = display.children(display.root)
        windows = []
        for window in candidates:
            geometry = display.geometry(window)
            if geometry is None or geometry[2] < MIN_SIZE or geometry[3] < MIN_SIZE:
                continue
            title = display.title(window) or next(
                (t for t in map(display.title, display.children(window)) if t), ""
            )
            if title:
                windows.append(WindowInfo(window, title, *geometry))
        return windows
    finally:
        display.close()


def window_geometry(window_id: int) -> WindowInfo | None:
    """Where the window is now (None when it is gone or hidden)."""
    display = _display()
    if display is None:
        return None
    try:
        geometry = display.geometry(window_id)
        if geometry is None:
            return None
        return WindowInfo(window_id, display.title(window_id), *geometry)
    finally:
        display.close()
