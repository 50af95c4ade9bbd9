# Lottery (TP0): build, Docker images and the Compose system. `make help` lists the targets.
# Needs: a JDK 17 and Maven (build), Docker with the Compose v2 plugin (everything else).

SHELL := /bin/sh

MVN ?= mvn
MVN_FLAGS ?= -B -q
COMPOSE_FILE ?= docker-compose-dev.yaml
# `make lottery` runs this many agencies (the course data has 5).
AGENCIES ?= 5
# Seconds `docker compose stop` lets the containers shut down gracefully before killing them.
STOP_GRACE ?= 10

COMPOSE := docker compose -f $(COMPOSE_FILE)
JARS := lottery-server/target/lottery-server.jar lottery-client/target/lottery-client.jar
# The jars are rebuilt when one is missing or any main source or pom is newer: the images then get fresh jars, and
# unchanged sources skip Maven.
MAIN_SOURCES := $(shell find pom.xml lottery-protocol lottery-server lottery-client \
	-path '*/target' -prune -o -path '*/src/test' -prune -o -type f -print 2>/dev/null)
MAVEN_NOTICE := building jars with Maven (first build downloads dependencies)

.DEFAULT_GOAL := help
.PHONY: help build docker-image docker-compose-up docker-compose-down docker-compose-logs lottery e2e

help: ## List the targets
	@echo "Targets (make TARGET):"
	@sed -n 's/^\([a-z0-9-]*\):.*## \(.*\)/\1|\2/p' $(MAKEFILE_LIST) | awk -F'|' '{printf "  %-22s %s\n", $$1, $$2}'
	@echo "Variables: AGENCIES=$(AGENCIES) STOP_GRACE=$(STOP_GRACE) COMPOSE_FILE=$(COMPOSE_FILE) MVN_FLAGS='$(MVN_FLAGS)'"

build: ## Compile and package both runnable jars with Maven (no tests; `mvn verify` runs them)
	@echo "$(MAVEN_NOTICE)"
	$(MVN) $(MVN_FLAGS) package -DskipTests

# One Maven run makes both jars. A pattern rule with two targets is one rule that makes both (GNU make, any
# version): the stem "%" is "lottery" in both, so this matches exactly the two paths of $(JARS).
%-server/target/lottery-server.jar %-client/target/lottery-client.jar: $(MAIN_SOURCES)
	@echo "$(MAVEN_NOTICE)"
	$(MVN) $(MVN_FLAGS) package -DskipTests
	@# Maven may leave a jar whose content did not change untouched: mark both as built now.
	@touch $(JARS)

docker-image: $(JARS) ## Build the images lottery-server:latest and lottery-client:latest (Maven first when a jar is missing or older than a source)
	docker build -f deploy/server/Dockerfile -t lottery-server:latest .
	docker build -f deploy/client/Dockerfile -t lottery-client:latest .

docker-compose-up: docker-image ## Start the Compose system in the background (agency files prepared first)
	@for f in deploy/server/config.yaml deploy/client/config.yaml; do \
		[ -f $$f ] || { echo "missing $$f (restore it: git checkout -- $$f)" >&2; exit 1; }; done
	sh tools/data/ensure-data.sh $$(grep -c '^  client[0-9]*:$$' $(COMPOSE_FILE))
	$(COMPOSE) up -d

docker-compose-down: ## Stop the containers gracefully (SIGTERM, STOP_GRACE s), then remove them (and orphans) and the network
	$(COMPOSE) stop -t $(STOP_GRACE)
	$(COMPOSE) down --remove-orphans

docker-compose-logs: ## Follow the logs of every container
	$(COMPOSE) logs -f

lottery: docker-image ## Run the whole lottery from the agency files for AGENCIES agencies (own compose file in target/; ignores `mode` and NOMBRE..), print the winners, clean up
	bash tools/lottery/run.sh $(AGENCIES)

e2e: ## Run the end-to-end scenarios against Docker (see tools/e2e/README.md)
	bash tools/e2e/run.sh
