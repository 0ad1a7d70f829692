package io.writ.engine.enforcement;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;

/**
 * The {@code writ.enforcement.*} settings; docs/enforcement.md explains each.
 *
 * @param noticePeriod         how long after approval a plan starts unless an approver executes it at once
 * @param noNoticeRules        rules whose cases get no notice period (child sexual abuse material: the uploader is
 *                             not warned); a violation the policy marks {@code "notice": "none"} counts too
 * @param dryRun               previews and records what would be done; changes nothing
 * @param defaultConnector     the connector for actions whose subscription names no configured provider (blank: none)
 * @param perHour              subscriptions disabled per hour, all tenants together, before actions are held
 * @param perTenantPerHour     subscriptions disabled per hour for one tenant before actions are held
 * @param retryInitial         the first retry delay of a transient failure; doubled per attempt
 * @param retryMax             the longest retry delay
 * @param maxAttempts          attempts of one step before a transient failure becomes final
 * @param deadlineWarning      how long before a data-deletion deadline the case, the log and the metrics warn
 * @param pollInterval         how often the worker looks for due steps besides being kicked on every change
 * @param workerEnabled        false only in tests that drive a plan without the worker
 * @param appealContact        where a tenant sends an appeal, quoted in notices and statements
 */
@Singleton
public record EnforcementSettings(
        @Value("${writ.enforcement.notice-period:P3D}") Duration noticePeriod,
        @Value("${writ.enforcement.no-notice-rules:child-sexual-abuse-material}") List<String> noNoticeRules,
        @Value("${writ.enforcement.dry-run:false}") boolean dryRun,
        @Value("${writ.enforcement.default-connector:}") String defaultConnector,
        @Value("${writ.enforcement.blast-radius.per-hour:20}") int perHour,
        @Value("${writ.enforcement.blast-radius.per-tenant-per-hour:5}") int perTenantPerHour,
        @Value("${writ.enforcement.retry.initial:PT10S}") Duration retryInitial,
        @Value("${writ.enforcement.retry.max:PT15M}") Duration retryMax,
        @Value("${writ.enforcement.retry.max-attempts:8}") int maxAttempts,
        @Value("${writ.enforcement.deadline-warning:P30D}") Duration deadlineWarning,
        @Value("${writ.enforcement.poll-interval:PT5S}") Duration pollInterval,
        @Value("${writ.enforcement.worker.enabled:true}") boolean workerEnabled,
        @Value("${writ.enforcement.appeal-contact:appeals@provider.example}") String appealContact) {

    /** The delay before the next attempt after {@code attempts} failed ones, at least what the provider asked for. */
    Duration backoff(int attempts, Duration providerAsked) {
        Duration d = retryInitial;
        for (int i = 1; i < attempts && d.compareTo(retryMax) < 0; i++) {
            d = d.multipliedBy(2);
        }
        d = d.compareTo(retryMax) > 0 ? retryMax : d;
        return providerAsked != null && providerAsked.compareTo(d) > 0 ? providerAsked : d;
    }
}
