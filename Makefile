# Lottery (TP0): Docker images and the Compose system. `make help` lists the targets.
# Needs: Docker with the Compose v2 plugin. The images compile the project inside Docker, so no JDK or Maven is
# needed on the host; only `make build` (host jars) and `make test` use a local JDK 17 and Maven. After `make build`,
# bin/lottery-server and bin/lottery-client run the jars on the host (bin/lottery-jvm.sh: JDK, flags, archives).

SHELL := /bin/sh

MVN ?= mvn
MVN_FLAGS ?= -B -q
COMPOSE_FILE ?= docker-compose-dev.yaml
# `make lottery` runs this many agencies (the course data has 5).
AGENCIES ?= 5
# Runs of make bench-ingest (per scenario), bench-scale (per server count), bench-draw and bench-docker (bench-course always makes 5 + 5).
RUNS ?= 3
# More arguments of make bench-scale (tools/bench/scale.sh --help), e.g. SCALE_ARGS='--bulk both --bets 50000'.
SCALE_ARGS ?=
# Seconds `docker compose stop` lets the containers shut down gracefully before killing them.
STOP_GRACE ?= 10

COMPOSE := docker compose -f $(COMPOSE_FILE)

.DEFAULT_GOAL := help
.PHONY: help build test docker-image docker-compose-up docker-compose-down docker-compose-logs lottery e2e \
	e2e-course course-branches chaos status-page-test bench-ingest bench-draw bench-course bench-docker bench-jmh \
	bench-scale ha ha-down ha-test

help: ## List the targets
	@echo "Targets (make TARGET):"
	@sed -n 's/^\([a-z0-9-]*\):.*## \(.*\)/\1|\2/p' $(MAKEFILE_LIST) | awk -F'|' '{printf "  %-22s %s\n", $$1, $$2}'
	@echo "Variables: AGENCIES=$(AGENCIES) STOP_GRACE=$(STOP_GRACE) COMPOSE_FILE=$(COMPOSE_FILE) MVN_FLAGS='$(MVN_FLAGS)' RUNS=$(RUNS)"

build: ## Compile and package both runnable jars on the host with Maven (JDK 17; no tests), then record the class-data archives of bin/lottery-server and bin/lottery-client (a one-agency lottery on loopback)
	$(MVN) $(MVN_FLAGS) package -DskipTests
	sh bin/lottery-cds train || echo "make build: no class-data archives; bin/lottery-server and bin/lottery-client run without them" >&2

test: ## Run every unit and integration test on the host (mvn -B verify; JDK 17)
	$(MVN) -B verify

docker-image: ## Build the images server:latest and client:latest inside Docker (Maven runs in the build stage)
	docker build -f ./server/Dockerfile -t server:latest .
	docker build -f ./client/Dockerfile -t client:latest .

docker-compose-up: docker-image ## Start the Compose system in the background (agency files prepared first; the containers run as you: LOTTERY_UID/LOTTERY_GID)
	@for f in server/config.ini client/config.yaml; do \
		[ -f $$f ] || { echo "missing $$f (restore it: git checkout -- $$f)" >&2; exit 1; }; done
	sh tools/data/ensure-data.sh $$(grep -c '^  client[0-9]*:$$' $(COMPOSE_FILE))
	env $$(sh tools/lottery/compose-user.sh $(dir $(COMPOSE_FILE)).data/state) $(COMPOSE) up -d

docker-compose-down: ## Stop the containers gracefully (SIGTERM, STOP_GRACE s), then remove them (and orphans) and the network
	$(COMPOSE) stop -t $(STOP_GRACE)
	$(COMPOSE) down --remove-orphans

docker-compose-logs: ## Follow the logs of every container
	$(COMPOSE) logs -f

lottery: docker-image ## Run the whole lottery from the agency files for AGENCIES agencies (own compose file in target/; ignores CLI_MODE, NOMBRE.. and the branch's exercise), print the winners, clean up
	bash tools/lottery/run.sh $(AGENCIES)

e2e: ## Run the end-to-end scenarios against Docker (see tools/e2e/README.md)
	bash tools/e2e/run.sh

chaos: ## kill -9 the server while 55 agencies ingest, then check exactly-once rows and winners (tools/chaos/run.sh)
	bash tools/chaos/run.sh

status-page-test: ## The live status page in headless Chromium against the real server with 1,000 agencies; screenshots in target/ops/ (tools/ops/status-page-test.sh; --stub: fixed JSON, no server)
	bash tools/ops/status-page-test.sh

e2e-course: ## Check the course's contract for ej1..ej8 on a fresh clone of HEAD (tools/e2e/course.sh)
	bash tools/e2e/course.sh

course-branches: ## Make the local branches ej1..ej8 from main (tools/course-branches.sh; rerun = same commits)
	bash tools/course-branches.sh

bench-ingest: build ## Ingest benchmark: 64x20,000 durable / page-cache, 1,000 and 10,000 agencies, with same-run ceilings (tools/bench/ingest.sh; RUNS=3)
	bash tools/bench/ingest.sh --runs $(RUNS)

bench-draw: build ## The draw over 10,000,000 generated bets vs the bare read and the old parser (tools/bench/draw.sh)
	bash tools/bench/draw.sh 10000000 $(RUNS)

bench-course: build ## The course run on the host (server + 5 clients, course data) via the launchers vs java -jar, next to the 1.5 s reference (tools/bench/course-run.sh)
	bash tools/bench/course-run.sh 5

bench-docker: ## The course run in Docker (generar-compose.sh, 5 agencies) vs the Docker floor (tools/bench/docker-run.sh)
	bash tools/bench/docker-run.sh $(RUNS)

ha: ## Start the high-availability database on loopback for a person to try: 3 etcd, 2 PostgreSQL 15 under Patroni (synchronous standby); prints the servers' SERVER_PG_URL (tools/ha/cluster.sh up; installs the Debian packages when missing)
	bash tools/ha/cluster.sh up

ha-down: ## Stop what `make ha` started and remove its directory (tools/ha/cluster.sh down)
	bash tools/ha/cluster.sh down

ha-test: ## The database failure scenarios on that set-up: restarts, failovers (also during the draw), the etcd leader, a frozen PostgreSQL; exactly-once checks and the stall each costs (tools/ha/scenarios.sh)
	bash tools/ha/scenarios.sh

bench-scale: build ## Ingest with 1, 2 and 3 servers (SERVER_STORE=postgres) sharing one PostgreSQL 15 run on this host, 64 agencies, same-run ratios and a COPY ceiling (tools/bench/scale.sh; RUNS=3, SCALE_ARGS='--bulk both')
	bash tools/bench/scale.sh --runs $(RUNS) $(SCALE_ARGS)

bench-jmh: ## JMH microbenchmarks of the hot paths with allocation per bet (lottery-bench/README.md), about 2.5 minutes
	$(MVN) $(MVN_FLAGS) package -DskipTests
	mkdir -p target
	java -jar lottery-bench/target/lottery-bench.jar -f 1 -wi 3 -i 5 -w 1s -r 1s -prof gc -foe true -rf json -rff target/lottery-bench.json
	python3 lottery-bench/jmh-table.py target/lottery-bench.json
