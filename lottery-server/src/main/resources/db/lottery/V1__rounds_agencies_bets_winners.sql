-- The lottery in PostgreSQL (SERVER_STORE=postgres), shared by every server of the round. Applied by Flyway at the
-- start of each server (docs/SCALING.md). One row per round; the current round is the one with the highest id.
CREATE TABLE round (
    id            bigserial   PRIMARY KEY,
    agencies      integer     NOT NULL CHECK (agencies >= 0),
    -- started with agency secrets: a server without SERVER_SECRETS_FILE must not go on with it
    authenticated boolean     NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    -- set once, by the transaction that ran the draw (it holds this row's lock while it does)
    drawn_at      timestamptz,
    bets          bigint,
    winners       bigint
);

-- One row per agency of a round: the commit point of its batches. A batch is stored only by the transaction that
-- moves last_seq from seq - 1 to seq for the agency's current session, so a resent batch is recognised by any server.
CREATE TABLE agency (
    round_id  bigint  NOT NULL REFERENCES round (id),
    agency    integer NOT NULL CHECK (agency >= 1),
    -- the fencing token: every HELLO (on any server) takes the next one, and only its session's batches are stored
    session   bigint  NOT NULL DEFAULT 0,
    last_seq  bigint  NOT NULL DEFAULT 0,
    stored    bigint  NOT NULL DEFAULT 0,
    finished  boolean NOT NULL DEFAULT false,
    answered  boolean NOT NULL DEFAULT false,
    PRIMARY KEY (round_id, agency)
);

-- The bets: the assignment's Bet, agency included; id gives the order stored (load_bets' order). No index but the
-- primary key: every other one would cost each stored bet more WAL and CPU, and the draw and the export read the whole
-- round anyway.
CREATE TABLE bet (
    id         bigserial PRIMARY KEY,
    round_id   bigint    NOT NULL,
    agency     integer   NOT NULL,
    first_name text      NOT NULL,
    last_name  text      NOT NULL,
    document   text      NOT NULL,
    birthdate  date      NOT NULL,
    number     integer   NOT NULL
);

-- The draw's result, written in the draw's transaction: the documents of each agency's winners in the order stored.
CREATE TABLE winner (
    round_id bigint  NOT NULL REFERENCES round (id),
    agency   integer NOT NULL,
    position integer NOT NULL,
    document text    NOT NULL,
    PRIMARY KEY (round_id, agency, position)
);
