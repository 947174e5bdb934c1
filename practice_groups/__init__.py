"""Practice groups: members of a community who work together on one problem for a while.

`models` (groups, memberships, progress reports and the community's responses), `choices`
(the eight reasons, statuses and the group's transitions table), `views`, `forms`,
`filters`, `services` (propose, review and charter, join, leave, conclude, report, respond), `jobs` (the progress
report emails), `tasks`, `urls`, `demo`. Support requests from a group go to the social
learning team's queue in `communities.health`.
"""
