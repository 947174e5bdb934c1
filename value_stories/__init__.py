"""Value-creation stories: what a community's work changed, told along the value-creation
cycles, reviewed, and summed in the value matrix.

`models` (stories, indicators, review transitions), `choices` (cycles, statuses and the
story's transitions table, visibility), `views` (guided form with autosave, review,
lists, the matrix, CSV exports, the printable page), `forms`, `filters`, `services`
(the review workflow), `jobs` (emails on each transition), `tasks`, `urls`, `demo`.
"""
