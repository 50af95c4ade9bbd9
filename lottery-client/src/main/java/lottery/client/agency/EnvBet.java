package lottery.client.agency;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lottery.common.config.Env;
import lottery.protocol.message.Bet;

/**
 * The single bet of exercise 5, given as environment variables {@code NOMBRE}, {@code APELLIDO}, {@code DOCUMENTO},
 * {@code NACIMIENTO} (YYYY-MM-DD) and {@code NUMERO}. They go together: setting any of them means the bet is wanted,
 * so the others are then required. An empty or blank variable counts as unset, and a set one is stripped
 * ({@link Env#get}, the rule of every configuration variable).
 */
public final class EnvBet {
    /** The variables, in the order of the bet's fields. */
    public static final List<String> VARIABLES = List.of("NOMBRE", "APELLIDO", "DOCUMENTO", "NACIMIENTO", "NUMERO");

    private EnvBet() {
    }

    /**
     * The bet the environment describes, or empty when none of its variables is set.
     *
     * @throws IllegalArgumentException naming the missing variables or the invalid field
     */
    public static Optional<Bet> from(Map<String, String> env) {
        List<String> values = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String name : VARIABLES) {
            Optional<String> value = Env.get(env, name);
            if (value.isEmpty()) {
                missing.add(name);
            }
            values.add(value.orElse(null));
        }
        if (missing.size() == VARIABLES.size()) {
            return Optional.empty();
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("bet from the environment: " + String.join(", ", missing)
                    + " missing (" + String.join(", ", VARIABLES) + " go together)");
        }
        try {
            return Optional.of(BetParser.parse(values.get(0), values.get(1), values.get(2), values.get(3),
                    values.get(4)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bet from the environment: " + e.getMessage(), e);
        }
    }
}
