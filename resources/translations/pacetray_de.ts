<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de">
<context>
    <name>AboutDialog</name>
    <message>
        <source>About Pacetray</source>
        <translation>Über Pacetray</translation>
    </message>
    <message>
        <source>Version {version}</source>
        <translation>Version {version}</translation>
    </message>
    <message>
        <source>A desktop tray client for 7pace Timetracker, with a local Timetracker server.</source>
        <translation>Ein Desktop-Client für 7pace Timetracker im Infobereich, mit einem lokalen Timetracker-Server.</translation>
    </message>
    <message>
        <source>Released under the {licence} licence.</source>
        <translation>Veröffentlicht unter der {licence}-Lizenz.</translation>
    </message>
    <message>
        <source>Project home page</source>
        <translation>Projekt-Website</translation>
    </message>
    <message>
        <source>7pace Timetracker</source>
        <translation>7pace Timetracker</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>Links</translation>
    </message>
    <message>
        <source>Tab moves between the links, Enter opens one in the browser</source>
        <translation>Tab wechselt zwischen den Links, Eingabe öffnet einen im Browser</translation>
    </message>
</context>
<context>
    <name>AdjustDialog</name>
    <message>
        <source>Edit the running track</source>
        <translation>Laufende Erfassung bearbeiten</translation>
    </message>
    <message>
        <source>What are you doing?</source>
        <translation>Woran arbeiten Sie?</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>Bemerkung</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Tätigkeit</translation>
    </message>
    <message>
        <source>(unchanged)</source>
        <translation>(unverändert)</translation>
    </message>
</context>
<context>
    <name>DayTable</name>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Von</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Bis</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>not sent yet</source>
        <translation>noch nicht gesendet</translation>
    </message>
    <message>
        <source>Work log</source>
        <translation>Arbeitszeiteintrag</translation>
    </message>
    <message>
        <source>Slipped time</source>
        <translation>Entgangene Zeit</translation>
    </message>
    <message>
        <source>at the machine, nothing tracked: press Enter to book it</source>
        <translation>am Computer, nichts erfasst: Eingabetaste zum Buchen</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Anwesenheit</translation>
    </message>
    <message>
        <source>Activity check</source>
        <translation>Aktivitätsabfrage</translation>
    </message>
</context>
<context>
    <name>FallbackWindow</name>
    <message>
        <source>Tracking state</source>
        <translation>Erfassungsstatus</translation>
    </message>
    <message>
        <source>Not tracking</source>
        <translation>Keine Zeiterfassung</translation>
    </message>
    <message>
        <source>Open…</source>
        <translation>Öffnen…</translation>
    </message>
    <message>
        <source>Opens the popup to pick a work item</source>
        <translation>Öffnet das Fenster zur Auswahl eines Work Items</translation>
    </message>
    <message>
        <source>Menu</source>
        <translation>Menü</translation>
    </message>
    <message>
        <source>{title}: {message} (use the menu to {action})</source>
        <translation>{title}: {message} (im Menü: {action})</translation>
    </message>
    <message>
        <source>{title}: {message}</source>
        <translation>{title}: {message}</translation>
    </message>
</context>
<context>
    <name>HotkeyRecorder</name>
    <message>
        <source>Off</source>
        <translation>Aus</translation>
    </message>
    <message>
        <source>Click, then press the key combination (Esc cancels)</source>
        <translation>Klicken, dann die Tastenkombination drücken (Esc bricht ab)</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Turn this hotkey off</source>
        <translation>Dieses Tastenkürzel ausschalten</translation>
    </message>
    <message>
        <source>Hotkey</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>{action}: hotkey</source>
        <translation>{action}: Tastenkürzel</translation>
    </message>
    <message>
        <source>{action}: clear</source>
        <translation>{action}: löschen</translation>
    </message>
    <message>
        <source>Press a combination…</source>
        <translation>Tastenkombination drücken…</translation>
    </message>
    <message>
        <source>this key cannot be used for a global hotkey; try another</source>
        <translation>diese Taste kann nicht für ein globales Tastenkürzel verwendet werden; bitte eine andere wählen</translation>
    </message>
    <message>
        <source>{hotkey} cannot be used: {problem}</source>
        <translation>{hotkey} kann nicht verwendet werden: {problem}</translation>
    </message>
</context>
<context>
    <name>HotkeyService</name>
    <message>
        <source>Start / stop tracking</source>
        <translation>Erfassung starten / stoppen</translation>
    </message>
    <message>
        <source>Open the popup</source>
        <translation>Fenster öffnen</translation>
    </message>
    <message>
        <source>Restart the last work item</source>
        <translation>Letztes Work Item neu starten</translation>
    </message>
</context>
<context>
    <name>LocaleFormat</name>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} Sek.</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} Min.</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} Std. {minutes} Min.</translation>
    </message>
</context>
<context>
    <name>Notifier</name>
    <message>
        <source>{message}
Click to {action}.</source>
        <translation>{message}
Klicken: {action}.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Ask me what to do with it</source>
        <translation>Mich fragen, was damit geschehen soll</translation>
    </message>
    <message>
        <source>Always keep it</source>
        <translation>Immer behalten</translation>
    </message>
    <message>
        <source>Always discard it</source>
        <translation>Immer verwerfen</translation>
    </message>
    <message>
        <source>Stop tracking when I go idle</source>
        <translation>Erfassung stoppen, sobald ich inaktiv bin</translation>
    </message>
    <message>
        <source>Pacetray settings</source>
        <translation>Pacetray-Einstellungen</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Tracking</source>
        <translation>Erfassung</translation>
    </message>
    <message>
        <source>Hotkeys &amp;&amp; startup</source>
        <translation>Tastenkürzel &amp;&amp; Start</translation>
    </message>
    <message>
        <source>{problem} — showing the defaults.</source>
        <translation>{problem} — die Standardwerte werden angezeigt.</translation>
    </message>
    <message>
        <source>Organisation name (acme), https://acme.timehub.7pace.com or your server&apos;s URL</source>
        <translation>Organisationsname (acme), https://acme.timehub.7pace.com oder die URL Ihres Servers</translation>
    </message>
    <message>
        <source>Leave empty to use the local server on this computer (local mode)</source>
        <translation>Leer lassen, um den lokalen Server auf diesem Computer zu nutzen (lokaler Modus)</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Verbindung testen</translation>
    </message>
    <message>
        <source>Server:</source>
        <translation>Server:</translation>
    </message>
    <message>
        <source>A 7pace API token (Settings &gt; Reporting &amp; API in 7pace); kept in the OS keyring</source>
        <translation>Ein 7pace-API-Token (Einstellungen &gt; Reporting &amp; API in 7pace); wird im Schlüsselbund des Systems aufbewahrt</translation>
    </message>
    <message>
        <source>API token</source>
        <translation>API-Token</translation>
    </message>
    <message>
        <source>Pair with PIN…</source>
        <translation>Mit PIN koppeln…</translation>
    </message>
    <message>
        <source>Sign in by confirming a PIN in 7pace (Apps &gt; Pair app)</source>
        <translation>Anmelden, indem Sie eine PIN in 7pace bestätigen (Apps &gt; App koppeln)</translation>
    </message>
    <message>
        <source>Signed in:</source>
        <translation>Angemeldet:</translation>
    </message>
    <message>
        <source>API token:</source>
        <translation>API-Token:</translation>
    </message>
    <message>
        <source>Or:</source>
        <translation>Oder:</translation>
    </message>
    <message>
        <source>Cancel pairing</source>
        <translation>Kopplung abbrechen</translation>
    </message>
    <message>
        <source>Live updates: follow changes at once (SignalR hub)</source>
        <translation>Live-Aktualisierung: Änderungen sofort folgen (SignalR-Hub)</translation>
    </message>
    <message>
        <source>Off: the server is checked every few minutes instead (e.g. behind a proxy that breaks WebSockets)</source>
        <translation>Aus: Der Server wird stattdessen alle paar Minuten abgefragt (z. B. hinter einem Proxy, der WebSockets stört)</translation>
    </message>
    <message>
        <source>Live updates: —</source>
        <translation>Live-Aktualisierung: —</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Status:</translation>
    </message>
    <message>
        <source> min</source>
        <translation> Min.</translation>
    </message>
    <message>
        <source>No input for this long while tracking counts as idle</source>
        <translation>So lange ohne Eingabe während der Erfassung gilt als inaktiv</translation>
    </message>
    <message>
        <source>Idle after (minutes)</source>
        <translation>Inaktiv nach (Minuten)</translation>
    </message>
    <message>
        <source>What happens to idle time</source>
        <translation>Was mit inaktiver Zeit geschieht</translation>
    </message>
    <message>
        <source> s</source>
        <translation> Sek.</translation>
    </message>
    <message>
        <source>An activity check is answered for you when you used the computer this recently</source>
        <translation>Eine Aktivitätsabfrage wird für Sie beantwortet, wenn Sie den Computer innerhalb dieser Zeit benutzt haben</translation>
    </message>
    <message>
        <source>Answer checks if active within (seconds)</source>
        <translation>Abfragen beantworten, wenn aktiv innerhalb von (Sekunden)</translation>
    </message>
    <message>
        <source>Stop tracking when the screen locks</source>
        <translation>Erfassung stoppen, wenn der Bildschirm gesperrt wird</translation>
    </message>
    <message>
        <source>Stop tracking when the computer sleeps</source>
        <translation>Erfassung stoppen, wenn der Computer in den Ruhezustand geht</translation>
    </message>
    <message>
        <source>Idle after:</source>
        <translation>Inaktiv nach:</translation>
    </message>
    <message>
        <source>Idle time:</source>
        <translation>Inaktive Zeit:</translation>
    </message>
    <message>
        <source>Answer checks if active within:</source>
        <translation>Abfragen beantworten, wenn aktiv innerhalb von:</translation>
    </message>
    <message>
        <source>Test activity sensing</source>
        <translation>Aktivitätserkennung testen</translation>
    </message>
    <message>
        <source>Activity source:</source>
        <translation>Aktivitätsquelle:</translation>
    </message>
    <message>
        <source>Clear presence history</source>
        <translation>Anwesenheitsverlauf löschen</translation>
    </message>
    <message>
        <source>Forget when you were at the computer (kept on this computer only)</source>
        <translation>Vergessen, wann Sie am Computer waren (nur auf diesem Computer gespeichert)</translation>
    </message>
    <message>
        <source>Presence:</source>
        <translation>Anwesenheit:</translation>
    </message>
    <message>
        <source>Presence history cleared.</source>
        <translation>Anwesenheitsverlauf gelöscht.</translation>
    </message>
    <message>
        <source>Not cleared: {problem}</source>
        <translation>Nicht gelöscht: {problem}</translation>
    </message>
    <message>
        <source>{action}:</source>
        <translation>{action}:</translation>
    </message>
    <message>
        <source>Start Pacetray when I log in</source>
        <translation>Pacetray bei der Anmeldung starten</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>Applies the next time Pacetray starts.</source>
        <translation>Gilt ab dem nächsten Start von Pacetray.</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>Sprache:</translation>
    </message>
    <message>
        <source>Paired by PIN — Save to keep this sign-in</source>
        <translation>Per PIN gekoppelt — Speichern, um diese Anmeldung zu behalten</translation>
    </message>
    <message>
        <source>A new API token — Save to keep it in the keyring</source>
        <translation>Ein neues API-Token — Speichern, um es im Schlüsselbund abzulegen</translation>
    </message>
    <message>
        <source>With an API token saved in the keyring</source>
        <translation>Mit einem im Schlüsselbund gespeicherten API-Token</translation>
    </message>
    <message>
        <source>Paired by PIN (saved in the keyring)</source>
        <translation>Per PIN gekoppelt (im Schlüsselbund gespeichert)</translation>
    </message>
    <message>
        <source>— (fix the server address first)</source>
        <translation>— (zuerst die Serveradresse korrigieren)</translation>
    </message>
    <message>
        <source>Local mode: the local server on this computer</source>
        <translation>Lokaler Modus: der lokale Server auf diesem Computer</translation>
    </message>
    <message>
        <source>Not signed in to this server</source>
        <translation>Bei diesem Server nicht angemeldet</translation>
    </message>
    <message>
        <source>Saved — type a new token to replace it</source>
        <translation>Gespeichert — ein neues Token eingeben, um es zu ersetzen</translation>
    </message>
    <message>
        <source>Paste your 7pace API token</source>
        <translation>Ihr 7pace-API-Token einfügen</translation>
    </message>
    <message>
        <source>Checked when you test activity sensing.</source>
        <translation>Wird geprüft, wenn Sie die Aktivitätserkennung testen.</translation>
    </message>
    <message>
        <source>{source} — sees {what}</source>
        <translation>{source} — erkennt {what}</translation>
    </message>
    <message>
        <source>{source} (session: {session})</source>
        <translation>{source} (Sitzung: {session})</translation>
    </message>
    <message>
        <source>Global hotkeys are {reason}</source>
        <translation>Globale Tastenkürzel sind {reason}</translation>
    </message>
    <message>
        <source>Local mode: the local server on this computer.</source>
        <translation>Lokaler Modus: der lokale Server auf diesem Computer.</translation>
    </message>
    <message>
        <source>Type the server address to test first.</source>
        <translation>Geben Sie zuerst die zu testende Serveradresse ein.</translation>
    </message>
    <message>
        <source>Connecting to {url}…</source>
        <translation>Verbinde mit {url}…</translation>
    </message>
    <message>
        <source>Type the server address to pair with first.</source>
        <translation>Geben Sie zuerst die Adresse des Servers ein, mit dem gekoppelt werden soll.</translation>
    </message>
    <message>
        <source>Asking {url} for a PIN…</source>
        <translation>Frage {url} nach einer PIN…</translation>
    </message>
    <message>
        <source>Enter this PIN in 7pace Timetracker under Apps &gt; Pair Desktop App. Waiting…</source>
        <translation>Geben Sie diese PIN in 7pace Timetracker unter Apps &gt; Pair Desktop App ein. Warte…</translation>
    </message>
    <message>
        <source>Paired. Save to keep this sign-in.</source>
        <translation>Gekoppelt. Speichern, um diese Anmeldung zu behalten.</translation>
    </message>
    <message>
        <source>no source</source>
        <translation>keine Quelle</translation>
    </message>
    <message>
        <source>No input can be sensed here ({reason}).</source>
        <translation>Hier können keine Eingaben erkannt werden ({reason}).</translation>
    </message>
    <message>
        <source>Last input {seconds} s ago — move the mouse or type to see it reset.</source>
        <translation>Letzte Eingabe vor {seconds} Sek. — bewegen Sie die Maus oder tippen Sie, um sie zurückzusetzen.</translation>
    </message>
    <message>
        <source>Not saved: fix the server address first.</source>
        <translation>Nicht gespeichert: Korrigieren Sie zuerst die Serveradresse.</translation>
    </message>
    <message>
        <source>Saved, but: {problems}</source>
        <translation>Gespeichert, aber: {problems}</translation>
    </message>
    <message>
        <source>Not saved: {reason}</source>
        <translation>Nicht gespeichert: {reason}</translation>
    </message>
</context>
<context>
    <name>Timeline</name>
    <message>
        <source>Timeline</source>
        <translation>Zeitleiste</translation>
    </message>
    <message>
        <source>Work</source>
        <translation>Arbeit</translation>
    </message>
    <message>
        <source>Presence</source>
        <translation>Anwesenheit</translation>
    </message>
    <message>
        <source>Checks</source>
        <translation>Abfragen</translation>
    </message>
    <message>
        <source>{start}–{end} ({duration})</source>
        <translation>{start}–{end} ({duration})</translation>
    </message>
    <message>
        <source>(no work item)</source>
        <translation>(kein Arbeitselement)</translation>
    </message>
    <message>
        <source>Activity: {name}</source>
        <translation>Tätigkeit: {name}</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Not sent to the server yet</source>
        <translation>Noch nicht an den Server gesendet</translation>
    </message>
    <message>
        <source>Click to edit or delete</source>
        <translation>Klicken zum Bearbeiten oder Löschen</translation>
    </message>
    <message>
        <source>Slipped time: at the machine, nothing tracked</source>
        <translation>Entgangene Zeit: am Computer, nichts erfasst</translation>
    </message>
    <message>
        <source>Click to book it</source>
        <translation>Klicken zum Buchen</translation>
    </message>
    <message>
        <source>At the machine</source>
        <translation>Am Computer</translation>
    </message>
    <message>
        <source>Away (idle)</source>
        <translation>Abwesend (untätig)</translation>
    </message>
    <message>
        <source>Away (locked)</source>
        <translation>Abwesend (gesperrt)</translation>
    </message>
    <message>
        <source>Away (asleep)</source>
        <translation>Abwesend (Ruhezustand)</translation>
    </message>
    <message>
        <source>Away (Pacetray not running)</source>
        <translation>Abwesend (Pacetray lief nicht)</translation>
    </message>
    <message>
        <source>Away</source>
        <translation>Abwesend</translation>
    </message>
    <message>
        <source>answered automatically</source>
        <translation>automatisch beantwortet</translation>
    </message>
    <message>
        <source>answered by you</source>
        <translation>von Ihnen beantwortet</translation>
    </message>
    <message>
        <source>snoozed</source>
        <translation>zurückgestellt</translation>
    </message>
    <message>
        <source>not answered: the server stopped the track</source>
        <translation>nicht beantwortet: der Server hat die Erfassung beendet</translation>
    </message>
    <message>
        <source>Activity check at {time}: {outcome}</source>
        <translation>Aktivitätsabfrage um {time}: {outcome}</translation>
    </message>
    <message>
        <source>{logs} work logs, {slipped} slipped periods, tracked {total}</source>
        <translation>{logs} Arbeitszeiteinträge, {slipped} entgangene Zeiträume, erfasst {total}</translation>
    </message>
</context>
<context>
    <name>TodayWindow</name>
    <message>
        <source>Today</source>
        <translation>Heute</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Vorheriger Tag</translation>
    </message>
    <message>
        <source>Previous day (Left arrow)</source>
        <translation>Vorheriger Tag (Pfeil nach links)</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Nächster Tag</translation>
    </message>
    <message>
        <source>Next day (Right arrow)</source>
        <translation>Nächster Tag (Pfeil nach rechts)</translation>
    </message>
    <message>
        <source>Go to today</source>
        <translation>Zu heute wechseln</translation>
    </message>
    <message>
        <source>Show as table</source>
        <translation>Als Tabelle zeigen</translation>
    </message>
    <message>
        <source>The day as a table</source>
        <translation>Der Tag als Tabelle</translation>
    </message>
    <message>
        <source>Work items</source>
        <translation>Arbeitselemente</translation>
    </message>
    <message>
        <source>Activities</source>
        <translation>Tätigkeiten</translation>
    </message>
    <message>
        <source>This week</source>
        <translation>Diese Woche</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Could not load this day.</source>
        <translation>Dieser Tag konnte nicht geladen werden.</translation>
    </message>
    <message>
        <source>Not everything is synced</source>
        <translation>Nicht alles ist abgeglichen</translation>
    </message>
    <message>
        <source>Week: {total}</source>
        <translation>Woche: {total}</translation>
    </message>
    <message>
        <source>(no activity)</source>
        <translation>(keine Tätigkeit)</translation>
    </message>
    <message>
        <source>Day total: {total}</source>
        <translation>Tagessumme: {total}</translation>
    </message>
    <message>
        <source>Nothing tracked</source>
        <translation>Nichts erfasst</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… und {n} weitere</translation>
    </message>
</context>
<context>
    <name>WeekStrip</name>
    <message>
        <source>Week</source>
        <translation>Woche</translation>
    </message>
    <message>
        <source>{date}: {total}</source>
        <translation>{date}: {total}</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>bad value for &apos;{key}&apos;: {detail}</source>
        <translation>ungültiger Wert für &apos;{key}&apos;: {detail}</translation>
    </message>
    <message>
        <source>type the server address the sign-in is for.</source>
        <translation>Geben Sie die Adresse des Servers ein, für den die Anmeldung gilt.</translation>
    </message>
    <message>
        <source>cannot write the settings file {path}: {reason}</source>
        <translation>die Einstellungsdatei {path} kann nicht geschrieben werden: {reason}</translation>
    </message>
    <message>
        <source>cannot read the settings file {path}: {reason}</source>
        <translation>die Einstellungsdatei {path} kann nicht gelesen werden: {reason}</translation>
    </message>
    <message>
        <source>the settings file {path} is not valid TOML ({error}); fix or delete it</source>
        <translation>die Einstellungsdatei {path} ist kein gültiges TOML ({error}); bitte korrigieren oder löschen</translation>
    </message>
    <message>
        <source>the settings file {path} has a bad value for &apos;{key}&apos;: {detail}; fix or delete it</source>
        <translation>die Einstellungsdatei {path} enthält einen ungültigen Wert für &apos;{key}&apos;: {detail}; bitte korrigieren oder löschen</translation>
    </message>
</context>
</TS>
