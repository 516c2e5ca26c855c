package dev.rlproxy.core.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;

/** The one Jackson setup that turns configuration YAML into the records of this package. */
final class ConfigMapper {

    static final ObjectMapper MAPPER = create();

    private ConfigMapper() {
    }

    private static ObjectMapper create() {
        SimpleModule values = new SimpleModule("rlproxy-config-values")
                .addDeserializer(Duration.class, new ScalarDeserializer<>(Duration.class, Durations.EXPECTED, Durations::parse))
                .addDeserializer(DataSize.class, new ScalarDeserializer<>(DataSize.class, DataSize.EXPECTED, DataSize::parse))
                .addDeserializer(HostPort.class, new ScalarDeserializer<>(HostPort.class, HostPort.EXPECTED, HostPort::parse))
                .addDeserializer(BucketScope.class,
                        new ScalarDeserializer<>(BucketScope.class, BucketScope.EXPECTED, BucketScope::parse))
                .addDeserializer(URI.class, new ScalarDeserializer<>(URI.class, "expected a URL", ConfigMapper::url))
                .addDeserializer(Path.class, new TokenFileDeserializer())
                .addDeserializer(StoreType.class, ScalarDeserializer.forEnum(StoreType.class))
                .addDeserializer(FailureMode.class, ScalarDeserializer.forEnum(FailureMode.class))
                .addDeserializer(TokenMode.class, ScalarDeserializer.forEnum(TokenMode.class))
                .addDeserializer(QuotaMetric.class, ScalarDeserializer.forEnum(QuotaMetric.class))
                .addDeserializer(QuotaPeriod.class, ScalarDeserializer.forEnum(QuotaPeriod.class));
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory());
        mapper.registerModule(values);
        mapper.addHandler(new UnknownKeyHandler());
        mapper.setInjectableValues(new AttributeInjectables());
        // limit: 1.5 is a mistake, not 1.
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES);
        return mapper;
    }

    private static URI url(String text) {
        try {
            return new URI(text.strip());
        } catch (URISyntaxException e) {
            // The text is not echoed: URLs sometimes carry credentials.
            throw InvalidConfigException.of("expected a URL like https://api.example.com");
        }
    }
}
