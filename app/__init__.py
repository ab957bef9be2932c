"""Huddle: self-hosted desktop video calls.

Packages, from the bottom up: ``protocol`` (the wire schema, errors and limits),
``server`` (the room service), ``media`` (sources and sinks), ``engine`` (the SDK),
``ui`` (the PySide6 app) and ``cli`` (command-line entry points).
"""

APP_NAME = "Huddle"
APP_ID_NAME = "huddle"  # file names, config directories, the .desktop entry
__version__ = "0.1.0"
