"""Everything Qt: tray, popup, dialogs, hotkeys and the qasync bridge to the tracking core.

qasync picks PyQt when it is importable, so the Qt binding is fixed before anything imports it.
"""

import os

os.environ.setdefault("QT_API", "pyside6")
