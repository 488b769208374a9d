"""The MQTT bus: payloads, topics, the reconnecting link, the outbox drain."""
