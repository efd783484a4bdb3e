"""The evaluation's forms: setting up (the published rules, the panel) and scoring (the conflict of interest
declaration, a panel member's marks). They draw the fields and turn what was typed into the values the services
take; the rules themselves (scales, who may sit on the panel, what must be marked) are checked by the services."""
