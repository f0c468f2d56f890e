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
    <name>ActivityCheckDialog</name>
    <message>
        <source>For 1 hour</source>
        <translation>Für 1 Stunde</translation>
    </message>
    <message>
        <source>Until tomorrow</source>
        <translation>Bis morgen</translation>
    </message>
    <message>
        <source>Until next Monday</source>
        <translation>Bis nächsten Montag</translation>
    </message>
    <message>
        <source>Still working? — Pacetray</source>
        <translation>Noch bei der Arbeit? – Pacetray</translation>
    </message>
    <message>
        <source>Question</source>
        <translation>Frage</translation>
    </message>
    <message>
        <source>Time left to answer</source>
        <translation>Verbleibende Zeit zum Antworten</translation>
    </message>
    <message>
        <source>&amp;Continue</source>
        <translation>&amp;Weiter</translation>
    </message>
    <message>
        <source>Keep tracking (Enter)</source>
        <translation>Zeiterfassung fortsetzen (Eingabetaste)</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>Stop tracking now</source>
        <translation>Zeiterfassung jetzt stoppen</translation>
    </message>
    <message>
        <source>S&amp;nooze</source>
        <translation>&amp;Später fragen</translation>
    </message>
    <message>
        <source>Keep tracking and skip activity checks for a while (opens a menu)</source>
        <translation>Zeiterfassung fortsetzen und eine Weile nicht nach Aktivität fragen (öffnet ein Menü)</translation>
    </message>
    <message>
        <source>Snooze activity checks</source>
        <translation>Aktivitätsprüfungen aussetzen</translation>
    </message>
    <message>
        <source>Are you still working on {work}?</source>
        <translation>Arbeiten Sie noch an {work}?</translation>
    </message>
    <message>
        <source>Tracking stops in {countdown} unless you answer.</source>
        <translation>Die Zeiterfassung stoppt in {countdown}, wenn Sie nicht antworten.</translation>
    </message>
    <message>
        <source>Time is up: the server stops tracking unless it heard you.</source>
        <translation>Die Zeit ist abgelaufen: Der Server stoppt die Zeiterfassung, sofern er Ihre Antwort nicht erhalten hat.</translation>
    </message>
    <message>
        <source>The answer did not reach the server; try again.</source>
        <translation>Die Antwort hat den Server nicht erreicht; bitte erneut versuchen.</translation>
    </message>
</context>
<context>
    <name>ActivityCombo</name>
    <message>
        <source>Activity type</source>
        <translation>Aktivitätstyp</translation>
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
    <name>BookDialog</name>
    <message>
        <source>Book slipped time</source>
        <translation>Unerfasste Zeit buchen</translation>
    </message>
    <message>
        <source>At the machine, nothing tracked: {span}</source>
        <translation>Am Rechner, nichts erfasst: {span}</translation>
    </message>
    <message>
        <source>&amp;Work item</source>
        <translation>Arbeits&amp;element</translation>
    </message>
    <message>
        <source>Remark (optional with a work item)</source>
        <translation>Bemerkung (mit Arbeitselement optional)</translation>
    </message>
    <message>
        <source>&amp;Book</source>
        <translation>B&amp;uchen</translation>
    </message>
    <message>
        <source>Book the time</source>
        <translation>Die Zeit buchen</translation>
    </message>
</context>
<context>
    <name>Controller</name>
    <message>
        <source>Live updates could not be started (details in the log file).</source>
        <translation>Live-Aktualisierungen konnten nicht gestartet werden (Details in der Protokolldatei).</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>The server cannot be reached. Changes are kept and sent when it is back.</source>
        <translation>Der Server ist nicht erreichbar. Änderungen werden aufbewahrt und gesendet, sobald er wieder da ist.</translation>
    </message>
    <message>
        <source>The server is reachable again. {count} change(s) still to send.</source>
        <translation>Der Server ist wieder erreichbar. Noch zu senden: {count} Änderung(en).</translation>
    </message>
    <message>
        <source>The server is reachable again.</source>
        <translation>Der Server ist wieder erreichbar.</translation>
    </message>
    <message>
        <source>Back online</source>
        <translation>Wieder online</translation>
    </message>
    <message>
        <source>Restart {what}</source>
        <translation>{what} neu starten</translation>
    </message>
    <message>
        <source>{what}: nobody answered the activity check.</source>
        <translation>{what}: Niemand hat die Aktivitätsabfrage beantwortet.</translation>
    </message>
    <message>
        <source>{what}: the track reached the longest allowed length.</source>
        <translation>{what}: Die Zeiterfassung hat die längste erlaubte Dauer erreicht.</translation>
    </message>
    <message>
        <source>{what}: the server ended it.</source>
        <translation>{what}: Der Server hat sie beendet.</translation>
    </message>
    <message>
        <source>Tracking stopped</source>
        <translation>Zeiterfassung gestoppt</translation>
    </message>
    <message>
        <source>Restart</source>
        <translation>Neu starten</translation>
    </message>
    <message>
        <source>An offline change was set aside</source>
        <translation>Eine Offline-Änderung wurde zurückgestellt</translation>
    </message>
    <message>
        <source>{command}: {reason}. See `pacetray status`.</source>
        <translation>{command}: {reason}. Siehe `pacetray status`.</translation>
    </message>
    <message>
        <source>Slowing down</source>
        <translation>Kurze Pause</translation>
    </message>
    <message>
        <source>The server asks to wait until {time}.</source>
        <translation>Der Server bittet, bis {time} zu warten.</translation>
    </message>
    <message>
        <source>Pacetray</source>
        <translation>Pacetray</translation>
    </message>
    <message>
        <source>Switch work item</source>
        <translation>Arbeitselement wechseln</translation>
    </message>
    <message>
        <source>Work item (#1234) or a remark:</source>
        <translation>Arbeitselement (#1234) oder eine Bemerkung:</translation>
    </message>
    <message>
        <source>The work item&apos;s link is not a web address: {link}</source>
        <translation>Der Link des Arbeitselements ist keine Webadresse: {link}</translation>
    </message>
    <message>
        <source>The settings dialog could not be opened (details in the log file).</source>
        <translation>Die Einstellungen konnten nicht geöffnet werden (Details in der Protokolldatei).</translation>
    </message>
    <message>
        <source>Settings saved</source>
        <translation>Einstellungen gespeichert</translation>
    </message>
    <message>
        <source>Quit and start Pacetray again to use the new server.</source>
        <translation>Beenden Sie Pacetray und starten Sie es erneut, um den neuen Server zu nutzen.</translation>
    </message>
    <message>
        <source>Quit Pacetray</source>
        <translation>Pacetray beenden</translation>
    </message>
    <message>
        <source>You are tracking {what}.
Stop tracking before quitting?</source>
        <translation>Die Zeiterfassung für {what} läuft.
Zeiterfassung vor dem Beenden stoppen?</translation>
    </message>
    <message>
        <source>Stop and quit</source>
        <translation>Stoppen und beenden</translation>
    </message>
    <message>
        <source>Quit, keep tracking</source>
        <translation>Beenden, Zeiterfassung weiterlaufen lassen</translation>
    </message>
    <message>
        <source>The Today window could not be opened (details in the log file).</source>
        <translation>Das Fenster „Heute“ konnte nicht geöffnet werden (Details in der Protokolldatei).</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>Stopp</translation>
    </message>
    <message>
        <source>Select work item</source>
        <translation>Arbeitselement wählen</translation>
    </message>
    <message>
        <source>Change of remark/activity</source>
        <translation>Änderung von Bemerkung/Aktivität</translation>
    </message>
    <message>
        <source>Answer to the activity check</source>
        <translation>Antwort auf die Aktivitätsabfrage</translation>
    </message>
    <message>
        <source>Idle time resolution</source>
        <translation>Umgang mit der Leerlaufzeit</translation>
    </message>
    <message>
        <source>Idle time trimmed</source>
        <translation>Leerlaufzeit gekürzt</translation>
    </message>
    <message>
        <source>Work log added</source>
        <translation>Zeitbuchung hinzugefügt</translation>
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
    <name>EditLogDialog</name>
    <message>
        <source>Edit work log</source>
        <translation>Zeiteintrag bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save the work log</source>
        <translation>Den Zeiteintrag speichern</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Delete the work log</source>
        <translation>Den Zeiteintrag löschen</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Delete work log</source>
        <translation>Zeiteintrag löschen</translation>
    </message>
    <message>
        <source>Delete this work log ({span})? This cannot be undone.</source>
        <translation>Diesen Zeiteintrag ({span}) löschen? Das lässt sich nicht rückgängig machen.</translation>
    </message>
</context>
<context>
    <name>ErrorLabel</name>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
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
        <translation>Letztes Arbeitselement neu starten</translation>
    </message>
    <message>
        <source>unavailable in this session: {problem}</source>
        <translation>in dieser Sitzung nicht verfügbar: {problem}</translation>
    </message>
    <message>
        <source>Open the Today window</source>
        <translation>Fenster „Heute“ öffnen</translation>
    </message>
</context>
<context>
    <name>IdlePromptDialog</name>
    <message>
        <source>You were away from {begin} to {until} ({duration})</source>
        <translation>Sie waren von {begin} bis {until} abwesend ({duration})</translation>
    </message>
    <message>
        <source>That time is booked to {work}. What should happen to it?</source>
        <translation>Diese Zeit ist auf {work} gebucht. Was soll damit geschehen?</translation>
    </message>
    <message>
        <source>The server stopped tracking {work} at {time}, before you went away: none of that time is booked.</source>
        <translation>Der Server hat die Zeiterfassung für {work} um {time} gestoppt, bevor Sie weggingen: Von dieser Zeit ist nichts gebucht.</translation>
    </message>
    <message>
        <source>Tracking {work} ended at {time}, before you went away: none of that time is booked.</source>
        <translation>Die Zeiterfassung für {work} endete um {time}, bevor Sie weggingen: Von dieser Zeit ist nichts gebucht.</translation>
    </message>
    <message>
        <source>The server stopped tracking {work} at {time}: {span} ({duration}) is booked to it. What should happen to that time?</source>
        <translation>Der Server hat die Zeiterfassung für {work} um {time} gestoppt: {span} ({duration}) ist darauf gebucht. Was soll mit dieser Zeit geschehen?</translation>
    </message>
    <message>
        <source>Tracking {work} ended at {time}: {span} ({duration}) is booked to it. What should happen to that time?</source>
        <translation>Die Zeiterfassung für {work} endete um {time}: {span} ({duration}) ist darauf gebucht. Was soll mit dieser Zeit geschehen?</translation>
    </message>
    <message>
        <source>Idle time — Pacetray</source>
        <translation>Leerlaufzeit – Pacetray</translation>
    </message>
    <message>
        <source>Time away</source>
        <translation>Abwesenheit</translation>
    </message>
    <message>
        <source>What is booked</source>
        <translation>Was gebucht ist</translation>
    </message>
    <message>
        <source>&amp;Keep</source>
        <translation>&amp;Behalten</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>Remove the idle time and stop tracking</source>
        <translation>Leerlaufzeit entfernen und Zeiterfassung stoppen</translation>
    </message>
    <message>
        <source>Discard and &amp;continue</source>
        <translation>Verwerfen und &amp;weiter</translation>
    </message>
    <message>
        <source>Remove the idle time and keep tracking</source>
        <translation>Leerlaufzeit entfernen und Zeiterfassung fortsetzen</translation>
    </message>
    <message>
        <source>&amp;Book to another work item…</source>
        <translation>Auf &amp;anderes Arbeitselement buchen…</translation>
    </message>
    <message>
        <source>Book the idle time to another work item, keep tracking</source>
        <translation>Leerlaufzeit auf ein anderes Arbeitselement buchen, Zeiterfassung fortsetzen</translation>
    </message>
    <message>
        <source>Work item id, e.g. #1234</source>
        <translation>Arbeitselement-Nummer, z. B. #1234</translation>
    </message>
    <message>
        <source>Work item to book the idle time to</source>
        <translation>Arbeitselement, auf das die Leerlaufzeit gebucht wird</translation>
    </message>
    <message>
        <source>Book</source>
        <translation>Buchen</translation>
    </message>
    <message>
        <source>Book the idle time to this work item</source>
        <translation>Leerlaufzeit auf dieses Arbeitselement buchen</translation>
    </message>
    <message>
        <source>Book to:</source>
        <translation>Buchen auf:</translation>
    </message>
    <message>
        <source>&amp;OK</source>
        <translation>&amp;OK</translation>
    </message>
    <message>
        <source>Nothing was booked while you were away</source>
        <translation>Während Ihrer Abwesenheit wurde nichts gebucht</translation>
    </message>
    <message>
        <source>Keep the idle time on the track</source>
        <translation>Leerlaufzeit in der Zeiterfassung behalten</translation>
    </message>
    <message>
        <source>The idle time could not be booked; try again.</source>
        <translation>Die Leerlaufzeit konnte nicht gebucht werden; bitte erneut versuchen.</translation>
    </message>
    <message>
        <source>Type the number of the work item to book the idle time to, e.g. 1234 or #1234.</source>
        <translation>Geben Sie die Nummer des Arbeitselements ein, auf das die Leerlaufzeit gebucht werden soll, z. B. 1234 oder #1234.</translation>
    </message>
    <message>
        <source>The work item could not be looked up.</source>
        <translation>Das Arbeitselement konnte nicht nachgeschlagen werden.</translation>
    </message>
    <message>
        <source>There is no work item #{id}; check the number.</source>
        <translation>Es gibt kein Arbeitselement #{id}; bitte die Nummer prüfen.</translation>
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
    <name>LogFormDialog</name>
    <message>
        <source>Start</source>
        <translation>Beginn</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Ende</translation>
    </message>
    <message>
        <source>&amp;Time</source>
        <translation>&amp;Zeit</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>Bemerkung</translation>
    </message>
    <message>
        <source>&amp;Remark</source>
        <translation>&amp;Bemerkung</translation>
    </message>
    <message>
        <source>&amp;Activity</source>
        <translation>&amp;Aktivität</translation>
    </message>
    <message>
        <source>B&amp;illable</source>
        <translation>Abrec&amp;henbar</translation>
    </message>
    <message>
        <source>Billable</source>
        <translation>Abrechenbar</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
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
    <name>Popup</name>
    <message>
        <source>Pacetray: start tracking</source>
        <translation>Pacetray: Zeiterfassung starten</translation>
    </message>
    <message>
        <source>Search a work item, then start, switch or stop tracking</source>
        <translation>Arbeitselement suchen, dann Zeiterfassung starten, wechseln oder stoppen</translation>
    </message>
    <message>
        <source>Tracking status</source>
        <translation>Status der Zeiterfassung</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>S&amp;toppen</translation>
    </message>
    <message>
        <source>Stop tracking</source>
        <translation>Zeiterfassung stoppen</translation>
    </message>
    <message>
        <source>A work item number or words; Down and Up choose a result, Enter starts it</source>
        <translation>Nummer eines Arbeitselements oder Stichwörter; Pfeil nach unten und oben wählen ein Ergebnis, die Eingabetaste startet es</translation>
    </message>
    <message>
        <source>Search results or recent work items</source>
        <translation>Suchergebnisse oder zuletzt verwendete Arbeitselemente</translation>
    </message>
    <message>
        <source>No results</source>
        <translation>Keine Ergebnisse</translation>
    </message>
    <message>
        <source>Remark (optional)</source>
        <translation>Bemerkung (optional)</translation>
    </message>
    <message>
        <source>Remark</source>
        <translation>Bemerkung</translation>
    </message>
    <message>
        <source>What you are doing, optional</source>
        <translation>Woran Sie arbeiten, optional</translation>
    </message>
    <message>
        <source>Activity type</source>
        <translation>Aktivitätstyp</translation>
    </message>
    <message>
        <source>The kind of work the time is booked as</source>
        <translation>Art der Tätigkeit, unter der die Zeit gebucht wird</translation>
    </message>
    <message>
        <source>&amp;Billable</source>
        <translation>A&amp;brechenbar</translation>
    </message>
    <message>
        <source>Billable</source>
        <translation>Abrechenbar</translation>
    </message>
    <message>
        <source>Book the time as billable to the customer</source>
        <translation>Die Zeit als für den Kunden abrechenbar buchen</translation>
    </message>
    <message>
        <source>Working</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Se&amp;lect without starting</source>
        <translation>&amp;Auswählen, ohne zu starten</translation>
    </message>
    <message>
        <source>Select without starting</source>
        <translation>Auswählen, ohne zu starten</translation>
    </message>
    <message>
        <source>Set the work item, remark and activity type the next start uses</source>
        <translation>Arbeitselement, Bemerkung und Aktivitätstyp für den nächsten Start festlegen</translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation>&amp;Starten</translation>
    </message>
    <message>
        <source>(no work item)</source>
        <translation>(kein Arbeitselement)</translation>
    </message>
    <message>
        <source>Tracking {work} — {remark}</source>
        <translation>Zeiterfassung für {work} – {remark}</translation>
    </message>
    <message>
        <source>Tracking {work}</source>
        <translation>Zeiterfassung für {work}</translation>
    </message>
    <message>
        <source>&amp;Switch</source>
        <translation>&amp;Wechseln</translation>
    </message>
    <message>
        <source>Switch to this work item</source>
        <translation>Zu diesem Arbeitselement wechseln</translation>
    </message>
    <message>
        <source>Stop the running track and start this one</source>
        <translation>Laufende Zeiterfassung stoppen und dieses Arbeitselement starten</translation>
    </message>
    <message>
        <source>Not tracking</source>
        <translation>Keine Zeiterfassung</translation>
    </message>
    <message>
        <source>Start tracking this work item</source>
        <translation>Zeiterfassung für dieses Arbeitselement starten</translation>
    </message>
    <message>
        <source>Start tracking the chosen work item (Enter)</source>
        <translation>Zeiterfassung für das gewählte Arbeitselement starten (Eingabetaste)</translation>
    </message>
    <message>
        <source>Stop tracking ({shortcut})</source>
        <translation>Zeiterfassung stoppen ({shortcut})</translation>
    </message>
    <message>
        <source>Elapsed time and today&apos;s total</source>
        <translation>Verstrichene Zeit und Summe von heute</translation>
    </message>
    <message>
        <source>To&amp;day…</source>
        <translation>&amp;Heute …</translation>
    </message>
    <message>
        <source>Open the Today window</source>
        <translation>Das Fenster „Heute“ öffnen</translation>
    </message>
    <message>
        <source>Today&apos;s work logs on a timeline, with the day&apos;s and the week&apos;s totals</source>
        <translation>Die heutigen Arbeitszeiteinträge auf einer Zeitleiste, mit den Summen des Tages und der Woche</translation>
    </message>
    <message>
        <source>Earlier today</source>
        <translation>Heute bereits erfasst</translation>
    </message>
    <message>
        <source>Today&apos;s tracks</source>
        <translation>Heutige Zeiterfassungen</translation>
    </message>
    <message>
        <source>The last tracks of today with their lengths; Enter starts one again</source>
        <translation>Die letzten Zeiterfassungen von heute mit ihrer Dauer; die Eingabetaste startet eine davon erneut</translation>
    </message>
    <message>
        <source>Today {total}</source>
        <translation>Heute {total}</translation>
    </message>
    <message>
        <source>Elapsed {elapsed} · today {total}</source>
        <translation>Verstrichen {elapsed} · heute {total}</translation>
    </message>
    <message>
        <source>{work} — {length}, {start}–{end}</source>
        <translation>{work} – {length}, {start}–{end}</translation>
    </message>
</context>
<context>
    <name>Prompts</name>
    <message>
        <source>the running track</source>
        <translation>die laufende Zeiterfassung</translation>
    </message>
</context>
<context>
    <name>ResultsModel</name>
    <message>
        <source>Recent</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Other work items</source>
        <translation>Weitere Arbeitselemente</translation>
    </message>
    <message>
        <source>Group {name}</source>
        <translation>Gruppe {name}</translation>
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
    <name>TrackerBridge</name>
    <message>
        <source>Tracking stopped after an unexpected error; see the log file.</source>
        <translation>Die Zeiterfassung wurde nach einem unerwarteten Fehler beendet; siehe Protokolldatei.</translation>
    </message>
    <message>
        <source>Could not {what}: an unexpected error (details in the log file).</source>
        <translation>„{what}“ ist fehlgeschlagen: ein unerwarteter Fehler (Details in der Protokolldatei).</translation>
    </message>
    <message>
        <source>start tracking</source>
        <translation>Zeiterfassung starten</translation>
    </message>
    <message>
        <source>stop tracking</source>
        <translation>Zeiterfassung stoppen</translation>
    </message>
    <message>
        <source>select the work item</source>
        <translation>Arbeitselement auswählen</translation>
    </message>
    <message>
        <source>change the running track</source>
        <translation>Laufende Zeiterfassung ändern</translation>
    </message>
    <message>
        <source>switch the work item</source>
        <translation>Arbeitselement wechseln</translation>
    </message>
    <message>
        <source>restart tracking</source>
        <translation>Zeiterfassung neu starten</translation>
    </message>
    <message>
        <source>answer the activity check</source>
        <translation>Aktivitätsabfrage beantworten</translation>
    </message>
    <message>
        <source>book the idle time</source>
        <translation>Leerlaufzeit buchen</translation>
    </message>
    <message>
        <source>read the tracking state</source>
        <translation>Stand der Zeiterfassung lesen</translation>
    </message>
    <message>
        <source>search work items</source>
        <translation>Arbeitselemente suchen</translation>
    </message>
    <message>
        <source>read recent work items</source>
        <translation>Zuletzt verwendete Arbeitselemente lesen</translation>
    </message>
    <message>
        <source>read activity types</source>
        <translation>Aktivitätstypen lesen</translation>
    </message>
</context>
<context>
    <name>TrayApp</name>
    <message>
        <source>Something went wrong ({what}). Details are in the log file {path}.</source>
        <translation>Etwas ist schiefgegangen ({what}). Details stehen in der Protokolldatei {path}.</translation>
    </message>
</context>
<context>
    <name>TrayIcon</name>
    <message>
        <source>Local mode — connect to 7pace in Settings</source>
        <translation>Lokaler Modus – mit 7pace verbinden Sie sich in den Einstellungen</translation>
    </message>
    <message>
        <source>Activity checks snoozed for 1 hour from the next one</source>
        <translation>Aktivitätsabfragen ab der nächsten für 1 Stunde ausgesetzt</translation>
    </message>
    <message>
        <source>Activity checks snoozed until tomorrow from the next one</source>
        <translation>Aktivitätsabfragen ab der nächsten bis morgen ausgesetzt</translation>
    </message>
    <message>
        <source>Activity checks snoozed until next Monday from the next one</source>
        <translation>Aktivitätsabfragen ab der nächsten bis nächsten Montag ausgesetzt</translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation>Fehler: {error}</translation>
    </message>
    <message>
        <source>Offline</source>
        <translation>Offline</translation>
    </message>
    <message>
        <source>Offline — {count} change waiting</source>
        <translation>Offline – {count} Änderung wartet</translation>
    </message>
    <message>
        <source>Offline — {count} changes waiting</source>
        <translation>Offline – {count} Änderungen warten</translation>
    </message>
    <message>
        <source>Activity check: are you still working?</source>
        <translation>Aktivitätsabfrage: Arbeiten Sie noch?</translation>
    </message>
    <message>
        <source>Remark: {remark}</source>
        <translation>Bemerkung: {remark}</translation>
    </message>
    <message>
        <source>Elapsed {elapsed} · today {today}</source>
        <translation>Laufzeit {elapsed} · heute {today}</translation>
    </message>
    <message>
        <source>Not tracking</source>
        <translation>Keine Zeiterfassung</translation>
    </message>
    <message>
        <source>Today {today}</source>
        <translation>Heute {today}</translation>
    </message>
</context>
<context>
    <name>TrayMenu</name>
    <message>
        <source>For 1 hour</source>
        <translation>Für 1 Stunde</translation>
    </message>
    <message>
        <source>Until tomorrow</source>
        <translation>Bis morgen</translation>
    </message>
    <message>
        <source>Until next Monday</source>
        <translation>Bis nächsten Montag</translation>
    </message>
    <message>
        <source>Not tracking</source>
        <translation>Keine Zeiterfassung</translation>
    </message>
    <message>
        <source>Start tracking</source>
        <translation>Zeiterfassung starten</translation>
    </message>
    <message>
        <source>Restart what the server stopped</source>
        <translation>Neu starten, was der Server gestoppt hat</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>(nothing tracked yet)</source>
        <translation>(noch nichts erfasst)</translation>
    </message>
    <message>
        <source>Switch work item…</source>
        <translation>Arbeitselement wechseln…</translation>
    </message>
    <message>
        <source>Edit remark / activity…</source>
        <translation>Bemerkung / Aktivitätstyp bearbeiten…</translation>
    </message>
    <message>
        <source>Open work item in browser</source>
        <translation>Arbeitselement im Browser öffnen</translation>
    </message>
    <message>
        <source>Snooze activity checks</source>
        <translation>Aktivitätsabfragen aussetzen</translation>
    </message>
    <message>
        <source>Answer the activity check…</source>
        <translation>Aktivitätsabfrage beantworten…</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Stop tracking</source>
        <translation>Zeiterfassung stoppen</translation>
    </message>
    <message>
        <source>Tracking {what}</source>
        <translation>Zeiterfassung: {what}</translation>
    </message>
    <message>
        <source>Today…</source>
        <translation>Heute…</translation>
    </message>
    <message>
        <source>About Pacetray…</source>
        <translation>Über Pacetray…</translation>
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
    <name>WorkItemSearch</name>
    <message>
        <source>Search work items: #1234, 1234 or words</source>
        <translation>Arbeitselemente suchen: #1234, 1234 oder Wörter</translation>
    </message>
    <message>
        <source>Search work items</source>
        <translation>Arbeitselemente suchen</translation>
    </message>
    <message>
        <source>Work items</source>
        <translation>Arbeitselemente</translation>
    </message>
    <message>
        <source>No work items match “{text}”.</source>
        <translation>Keine Arbeitselemente passen zu „{text}“.</translation>
    </message>
    <message>
        <source>Nothing tracked yet: search for a work item.</source>
        <translation>Noch nichts erfasst: Suchen Sie ein Arbeitselement.</translation>
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
    <message>
        <source>The start must be before the end.</source>
        <translation>Der Beginn muss vor dem Ende liegen.</translation>
    </message>
    <message>
        <source>The end lies in the future; a work log can only hold time that has passed.</source>
        <translation>Das Ende liegt in der Zukunft; ein Zeiteintrag kann nur vergangene Zeit enthalten.</translation>
    </message>
    <message>
        <source>The time must stay inside the slipped period it was chosen from.</source>
        <translation>Die Zeit muss innerhalb des unerfassten Zeitraums bleiben, aus dem sie gewählt wurde.</translation>
    </message>
    <message>
        <source>Choose a work item or type a remark: 7pace needs one of them.</source>
        <translation>Wählen Sie ein Arbeitselement oder geben Sie eine Bemerkung ein: 7pace braucht eines davon.</translation>
    </message>
    <message>
        <source>The time overlaps the track that is running now; end it before the track began, or stop tracking first.</source>
        <translation>Die Zeit überschneidet sich mit der laufenden Erfassung; lassen Sie sie vor deren Beginn enden oder beenden Sie zuerst die Erfassung.</translation>
    </message>
    <message>
        <source>This work log is still being tracked; stop tracking before changing it.</source>
        <translation>Dieser Zeiteintrag wird noch erfasst; beenden Sie die Erfassung, bevor Sie ihn ändern.</translation>
    </message>
    <message>
        <source>This work log is still being tracked; stop tracking before deleting it.</source>
        <translation>Dieser Zeiteintrag wird noch erfasst; beenden Sie die Erfassung, bevor Sie ihn löschen.</translation>
    </message>
    <message>
        <source>This work log is only in the offline journal so far; it can be changed once it has reached the server.</source>
        <translation>Dieser Zeiteintrag steht bisher nur im Offline-Journal; er lässt sich ändern, sobald er den Server erreicht hat.</translation>
    </message>
    <message>
        <source>This work log crosses midnight; its start and end can only be changed in 7pace itself.</source>
        <translation>Dieser Zeiteintrag reicht über Mitternacht; Beginn und Ende lassen sich nur in 7pace selbst ändern.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}. Check the API token (7pace: Settings &gt; Reporting &amp; API) or pair again.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}. Prüfen Sie das API-Token (7pace: Einstellungen &gt; Reporting &amp; API) oder koppeln Sie erneut.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}. Your 7pace account may lack the permission or license for this; ask your admin.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}. Ihrem 7pace-Konto fehlt dafür vielleicht die Berechtigung oder Lizenz; fragen Sie Ihre Administration.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}. Check the server address (and its path prefix) and the id you asked for.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}. Prüfen Sie die Serveradresse (samt Pfadpräfix) und die angefragte ID.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}. The organisation&apos;s request quota is used up; wait and try again.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}. Das Anfragekontingent der Organisation ist aufgebraucht; warten Sie und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}. The server failed; try again later.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}. Fehler auf dem Server; versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}.</translation>
    </message>
    <message>
        <source>{request} failed: {status} {reason}{detail}. The organisation&apos;s request quota is used up; wait and try again. The server asks to wait {seconds} s.</source>
        <translation>{request} fehlgeschlagen: {status} {reason}{detail}. Das Anfragekontingent der Organisation ist aufgebraucht; warten Sie und versuchen Sie es erneut. Der Server bittet, {seconds} s zu warten.</translation>
    </message>
    <message>
        <source>{request}: {server} did not finish answering within {budget} s (gave up after {spent} s); check the network or try again later.</source>
        <translation>{request}: {server} hat nicht innerhalb von {budget} s fertig geantwortet (nach {spent} s aufgegeben); prüfen Sie das Netzwerk oder versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>{request}: could not connect to {server} in time. Check your network and the server address.</source>
        <translation>{request}: Keine rechtzeitige Verbindung zu {server}. Prüfen Sie Ihr Netzwerk und die Serveradresse.</translation>
    </message>
    <message>
        <source>{request}: {server} did not answer in time; try again later.</source>
        <translation>{request}: {server} hat nicht rechtzeitig geantwortet; versuchen Sie es später erneut.</translation>
    </message>
    <message>
        <source>{request}: cannot connect to {server} ({reason}). Check the server address and that the server is running.</source>
        <translation>{request}: Keine Verbindung zu {server} ({reason}). Prüfen Sie die Serveradresse und ob der Server läuft.</translation>
    </message>
    <message>
        <source>{request}: the connection to {server} broke ({reason}); try again.</source>
        <translation>{request}: Die Verbindung zu {server} ist abgebrochen ({reason}); versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>(no work item)</source>
        <translation>(kein Arbeitselement)</translation>
    </message>
    <message>
        <source>(no title)</source>
        <translation>(kein Titel)</translation>
    </message>
    <message>
        <source>The idle time cannot be handled: the track&apos;s work log is unknown. Refresh the tracking state and try again.</source>
        <translation>Die Leerlaufzeit kann nicht verarbeitet werden: Der Zeiteintrag der Zeiterfassung ist unbekannt. Aktualisieren Sie den Stand der Zeiterfassung und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>Choose the work item to book the idle time to.</source>
        <translation>Wählen Sie das Arbeitselement, auf das die Leerlaufzeit gebucht werden soll.</translation>
    </message>
    <message>
        <source>Choose a work item or type a remark to start.</source>
        <translation>Wählen Sie ein Arbeitselement oder geben Sie eine Bemerkung ein, um zu starten.</translation>
    </message>
    <message>
        <source>the shipped {file} has {count} Exec lines, not one; reinstall Pacetray</source>
        <translation>die mitgelieferte Datei {file} hat {count} Exec-Zeilen statt einer; installieren Sie Pacetray neu</translation>
    </message>
    <message>
        <source>cannot read the shipped {file} ({error}); reinstall Pacetray</source>
        <translation>die mitgelieferte Datei {file} kann nicht gelesen werden ({error}); installieren Sie Pacetray neu</translation>
    </message>
    <message>
        <source>start at login is not supported yet on {system}; add Pacetray to your login items by hand, or set start_at_login = false</source>
        <translation>Start bei der Anmeldung wird auf {system} noch nicht unterstützt; fügen Sie Pacetray von Hand zu den Anmeldeobjekten hinzu oder setzen Sie start_at_login = false</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}; check that the folder is writable</source>
        <translation>{path} kann nicht geschrieben werden: {reason}; prüfen Sie, ob der Ordner beschreibbar ist</translation>
    </message>
    <message>
        <source>cannot remove {path}: {reason}</source>
        <translation>{path} kann nicht entfernt werden: {reason}</translation>
    </message>
    <message>
        <source>no usable OS keyring to keep the token in ({why}); install or unlock one (GNOME Keyring, KWallet, macOS Keychain, Windows Credential Manager), or pass --token / PACETRAY_TOKEN each time instead, or accept a less safe file readable only by you by setting `{setting} = true` in {settings}</source>
        <translation>Kein nutzbarer Schlüsselbund des Systems für das Token ({why}); installieren oder entsperren Sie einen (GNOME Keyring, KWallet, macOS-Schlüsselbund, Windows-Anmeldeinformationsverwaltung), geben Sie stattdessen jedes Mal --token / PACETRAY_TOKEN an, oder nehmen Sie eine weniger sichere, nur für Sie lesbare Datei in Kauf, indem Sie `{setting} = true` in {settings} setzen</translation>
    </message>
    <message>
        <source>keyring set-up failed: {error}</source>
        <translation>die Einrichtung des Schlüsselbunds ist fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>none was found</source>
        <translation>es wurde keiner gefunden</translation>
    </message>
    <message>
        <source>the null keyring is configured</source>
        <translation>der leere Schlüsselbund (null) ist eingestellt</translation>
    </message>
    <message>
        <source>only the file-based {backend} was found</source>
        <translation>es wurde nur der dateibasierte {backend} gefunden</translation>
    </message>
    <message>
        <source>the keyring refused to read the {kind}: {error}</source>
        <translation>der Schlüsselbund hat das Lesen von {kind} verweigert: {error}</translation>
    </message>
    <message>
        <source>the keyring refused to store the {kind}: {error}</source>
        <translation>der Schlüsselbund hat das Speichern von {kind} verweigert: {error}</translation>
    </message>
    <message>
        <source>the keyring refused to delete the {kind}: {error}</source>
        <translation>der Schlüsselbund hat das Löschen von {kind} verweigert: {error}</translation>
    </message>
    <message>
        <source>Your stop was not applied: {state}.</source>
        <translation>Ihr Stopp wurde nicht übernommen: {state}.</translation>
    </message>
    <message>
        <source>Your stop was not applied: {state} (another track).</source>
        <translation>Ihr Stopp wurde nicht übernommen: {state} (eine andere Zeiterfassung).</translation>
    </message>
    <message>
        <source>Your stop was not applied: {why} ({state}).</source>
        <translation>Ihr Stopp wurde nicht übernommen: {why} ({state}).</translation>
    </message>
    <message>
        <source>Your start was not applied: {state}.</source>
        <translation>Ihr Start wurde nicht übernommen: {state}.</translation>
    </message>
    <message>
        <source>Your start was not applied: {why} ({state}).</source>
        <translation>Ihr Start wurde nicht übernommen: {why} ({state}).</translation>
    </message>
    <message>
        <source>The change of remark/activity was not applied: {state}.</source>
        <translation>Die Änderung von Bemerkung/Aktivität wurde nicht übernommen: {state}.</translation>
    </message>
    <message>
        <source>no track is running on the server</source>
        <translation>auf dem Server läuft keine Zeiterfassung</translation>
    </message>
    <message>
        <source>the track changed meanwhile</source>
        <translation>die Zeiterfassung hat sich inzwischen geändert</translation>
    </message>
    <message>
        <source>a track was started elsewhere meanwhile</source>
        <translation>inzwischen wurde anderswo eine Zeiterfassung gestartet</translation>
    </message>
    <message>
        <source>another track is running now</source>
        <translation>jetzt läuft eine andere Zeiterfassung</translation>
    </message>
    <message>
        <source>the track you were switching from is no longer running</source>
        <translation>die Zeiterfassung, von der Sie wechseln wollten, läuft nicht mehr</translation>
    </message>
    <message>
        <source>the server is tracking work item {id}</source>
        <translation>der Server erfasst Zeit für Arbeitselement {id}</translation>
    </message>
    <message>
        <source>the server is tracking “{remark}”</source>
        <translation>der Server erfasst Zeit für „{remark}“</translation>
    </message>
    <message>
        <source>the server had stopped the track itself (its activity check got no answer)</source>
        <translation>der Server hatte die Zeiterfassung selbst gestoppt (seine Aktivitätsabfrage blieb unbeantwortet)</translation>
    </message>
    <message>
        <source>the server had stopped the track itself</source>
        <translation>der Server hatte die Zeiterfassung selbst gestoppt</translation>
    </message>
    <message>
        <source>the track had already been stopped elsewhere</source>
        <translation>die Zeiterfassung war bereits anderswo gestoppt worden</translation>
    </message>
    <message>
        <source>Not applied: it followed a start that could not be applied, so what it refers to is unknown.</source>
        <translation>Nicht übernommen: Es folgte auf einen Start, der nicht übernommen werden konnte; worauf es sich bezieht, ist daher unbekannt.</translation>
    </message>
    <message>
        <source>The server refused it: {reason}</source>
        <translation>Der Server hat es abgelehnt: {reason}</translation>
    </message>
    <message>
        <source>Your start may not have reached the server and the state changed meanwhile ({state}); it was not sent again.</source>
        <translation>Ihr Start hat den Server vielleicht nicht erreicht, und der Zustand hat sich inzwischen geändert ({state}); er wurde nicht erneut gesendet.</translation>
    </message>
    <message>
        <source>The change of remark/activity was not confirmed and the track changed.</source>
        <translation>Die Änderung von Bemerkung/Aktivität wurde nicht bestätigt, und die Zeiterfassung hat sich geändert.</translation>
    </message>
    <message>
        <source>Live updates: turned off in the settings — checking every {every}</source>
        <translation>Live-Aktualisierung: in den Einstellungen ausgeschaltet — Abfrage alle {every}</translation>
    </message>
    <message>
        <source>Live updates: connected ({protocol})</source>
        <translation>Live-Aktualisierung: verbunden ({protocol})</translation>
    </message>
    <message>
        <source>Live updates: not available on this server — polling</source>
        <translation>Live-Aktualisierung: auf diesem Server nicht verfügbar — regelmäßige Abfrage</translation>
    </message>
    <message>
        <source>Live updates: not connected — checking every {every}</source>
        <translation>Live-Aktualisierung: nicht verbunden — Abfrage alle {every}</translation>
    </message>
</context>
</TS>
