package io.writ.engine.cli;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.SignedJWT;
import io.writ.engine.security.LocalSecret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCommandTest {
    @TempDir
    Path dir;

    @Test
    void printsATokenSignedWithTheDataDirectorySecret() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Writ.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("token", "--data-dir", dir.toString(), "--subject", "alice", "--roles", "reviewer,approver");
        assertThat(exit).isZero();
        SignedJWT jwt = SignedJWT.parse(out.toString().strip());
        String secret = LocalSecret.loadOrCreate(dir);
        assertThat(jwt.verify(new MACVerifier(secret.getBytes(StandardCharsets.US_ASCII)))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("alice");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("roles")).containsExactly("reviewer", "approver");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(LocalSecret.FILE))))
                .isEqualTo("rw-------");
        assertThat(out.toString()).doesNotContain(secret);
    }

    @Test
    void unknownRoleIsRefused() {
        StringWriter err = new StringWriter();
        CommandLine cli = Writ.commandLine();
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("token", "--data-dir", dir.toString(), "--subject", "bob", "--roles", "root");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("unknown role 'root'");
    }
}
