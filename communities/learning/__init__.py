"""The learning room: the learning agenda and its dot voting, help requests and their
learning loops, the shared memory.

- `models`    agenda items, voting rounds, votes and vote allowances; help requests and
              answers; shared-memory entries (app label `communities`)
- `views`     the agenda and its voting rounds, help requests and their loops (answer,
              mark helpful, follow up, capture), the shared memory
- `forms`     the forms of those pages
- `filters`   one FilterSet per list: the agenda, help requests, the shared memory
- `services`  the voting service (the vote cap is enforced by the database), the loop's
              workflows, capturing a loop in the memory, search (full-text on PostgreSQL)
- `jobs`      emails on unanswered requests, follow-ups and the daily digest (called by
              `communities.tasks` and the management commands)
- `urls`      the room's URLs (namespace `communities`, under `<slug>/agenda/`,
              `<slug>/help/` and `<slug>/memory/`)
- `admin`     the admin of agenda items, voting rounds, help requests and memory entries
- `demo`      demo agenda, voting rounds, help requests and memory entries
"""
