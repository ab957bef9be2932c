"""The PySide6 desktop app over qasync. All Qt code lives here; it drives the engine through
its public API (and runs the embedded room service for "this computer")."""
