/** JMH microbenchmarks of the hot paths; run them with {@code java -jar lottery-bench/target/lottery-bench.jar}. */
package lottery.bench;
