package io.writ.engine.ingest;

import io.writ.rego.value.ArrayValue;
import io.writ.rego.value.NumberValue;
import io.writ.rego.value.ObjectValue;
import io.writ.rego.value.StringValue;
import io.writ.rego.value.Value;

import java.util.List;

/**
 * What {@code POST /v1/signals} answers for an accepted batch: its id, how many signals it held, and the new
 * dossier version of each tenant it touched. Stored with the batch, so that a replay gets the same answer.
 */
public record BatchReceipt(String batchId, int accepted, List<TenantVersion> tenants) {

    /** A tenant and the dossier version the batch made. */
    public record TenantVersion(String tenantId, long dossierVersion) {
    }

    public String toJson() {
        Value[] ts = tenants.stream().map(t -> (Value) ObjectValue.builder()
                .put("tenant_id", StringValue.of(t.tenantId()))
                .put("dossier_version", NumberValue.of(t.dossierVersion()))
                .build()).toArray(Value[]::new);
        return ObjectValue.builder()
                .put("batch_id", StringValue.of(batchId))
                .put("accepted", NumberValue.of(accepted))
                .put("tenants", ArrayValue.wrap(ts))
                .build().toJsonString();
    }
}
