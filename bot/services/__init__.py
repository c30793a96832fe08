"""Service functions: one per use case. Each opens its unit of work, calls the domain
(`bot.practice`), commits once and returns a plain result; a publishing path claims, commits,
calls Slack through a port with no transaction open, then stores or releases
(`publishing.claim_then_call`). Listeners and jobs call these; nothing here imports Slack."""
