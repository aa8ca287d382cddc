"""Extensions that the drift-deploy emulator installs into moto before it serves requests.

Each module adds AWS calls that moto 5.x lacks, following AWS's documented behaviour, and
nothing else, except dynamodb_costs and sqs_costs, which only make some of moto's calls cheaper,
and sqs_receive, which closes a race in moto's ReceiveMessage; docs/emulator.md describes what
each one does.
"""
