// The platform pieces as Android gives them, played by the JVM's own JCA (the API Android
// Keystore implements): a P-256 key signing SHA256withECDSA, which returns DER as Android
// Keystore does, behind the async keystore callback; an AES-256-GCM wrapping of the data key
// laid out as AndroidKeyWrapper lays it (IV, then ciphertext and tag). The core accepts the DER
// signature after checking it against the key, and refuses a keystore that signs with another.
package cn.zhifa.android

import cn.zhifa.sdk.PlatformClock
import cn.zhifa.sdk.PlatformException
import cn.zhifa.sdk.PlatformKeyWrapper
import cn.zhifa.sdk.PlatformKeystore
import cn.zhifa.sdk.ZhifaException
import cn.zhifa.sdk.ZhifaStore
import cn.zhifa.testing.Fixtures
import cn.zhifa.testing.thrown
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.SecureRandom
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import java.util.concurrent.atomic.AtomicInteger
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

class PlatformKeysTest {
    private fun p256(): KeyPair = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()

    /** Signs as AndroidKeystoreSigner does: SHA256withECDSA, DER; after a pause, as a prompt would. */
    private class JcaKeystore(private val keys: KeyPair, private val signWith: KeyPair = keys) : PlatformKeystore {
        val signed = AtomicInteger()
        override fun publicKey(): ByteArray = keys.public.encoded
        override suspend fun sign(message: ByteArray): ByteArray {
            delay(5)
            signed.incrementAndGet()
            return Signature.getInstance("SHA256withECDSA").run {
                initSign(signWith.private)
                update(message)
                sign()
            }
        }
    }

    private class GcmWrapper(private val key: SecretKey) : PlatformKeyWrapper {
        override fun wrap(key: ByteArray): ByteArray {
            val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
            val cipher = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, this@GcmWrapper.key, GCMParameterSpec(128, iv)) }
            return iv + cipher.doFinal(key)
        }

        override fun unwrap(wrapped: ByteArray): ByteArray = try {
            Cipher.getInstance("AES/GCM/NoPadding").run {
                init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped, 0, 12))
                doFinal(wrapped, 12, wrapped.size - 12)
            }
        } catch (e: AEADBadTagException) {
            throw PlatformException.Refused()
        }
    }

    private class Clock : PlatformClock {
        private val start = System.nanoTime()
        override fun elapsedMillis(): Long = (System.nanoTime() - start) / 1_000_000
        override fun originId(): String = "jvm-boot"
    }

    private val aes: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

    @Test
    fun `a DER-signing P-256 keystore makes codes an enterprise accepts`() = runBlocking {
        val dir = Fixtures.tempDir("zhifa-jvm-platform")
        val keystore = JcaKeystore(p256())
        val officer = ZhifaStore.openWithPlatform(Fixtures.config(dir), keystore, GcmWrapper(aes), Clock())
        assertTrue(officer.devicePublicKey().contentEquals(keystore.publicKey()), "the platform's key is the device key")
        officer.catalogue().applyBundle(Fixtures.bundle)
        Fixtures.issueCredential(officer, "渝50010320021")
        val code = officer.codes().enforcementCode("91500103MA5U1A0E5B").payload
        assertTrue(keystore.signed.get() > 0, "signed by the platform")

        val enterprise = Fixtures.offlinePhone("渝50010320022")
        val verdict = enterprise.codes().verifyEnforcementCode(code, "91500103MA5U1A0E5B", "500103")
        assertEquals("渝50010320021", verdict.officer?.credentialNo, verdict.message)

        // Reopened with the same platform key wrapper: the data key unwraps, the case is there.
        val today = Fixtures.today()
        val case = officer.cases().create(cn.zhifa.sdk.core.CaseKind.ORDINARY, "SP-126-5", "500103", today, today)
        officer.close()
        val again = ZhifaStore.openWithPlatform(Fixtures.config(dir), keystore, GcmWrapper(aes), Clock())
        assertEquals(case.id, again.cases().get(case.id).id)
    }

    @Test
    fun `a keystore that signs with another key makes no code`() = runBlocking {
        val store = ZhifaStore.openWithPlatform(
            Fixtures.config(Fixtures.tempDir("zhifa-jvm-platform")), JcaKeystore(p256(), signWith = p256()), GcmWrapper(aes), Clock(),
        )
        store.catalogue().applyBundle(Fixtures.bundle)
        Fixtures.issueCredential(store, "渝50010320021")
        val e = thrown<ZhifaException.Validation> { store.codes().enforcementCode(null) }
        assertTrue(e.message!!.any { it.code in 0x4E00..0x9FFF }, "zh-CN: ${e.message}")
    }

    @Test
    fun `a keystore that cannot sign (locked, prompt cancelled) is KeystoreUnavailable`() = runBlocking {
        val keys = p256()
        val locked = object : PlatformKeystore {
            override fun publicKey(): ByteArray = keys.public.encoded
            override suspend fun sign(message: ByteArray): ByteArray = throw PlatformException.Unavailable("user cancelled")
        }
        val store = ZhifaStore.openWithPlatform(Fixtures.config(Fixtures.tempDir("zhifa-jvm-platform")), locked, GcmWrapper(aes), Clock())
        store.catalogue().applyBundle(Fixtures.bundle)
        Fixtures.issueCredential(store, "渝50010320021")
        val e = thrown<ZhifaException.KeystoreUnavailable> { store.codes().enforcementCode(null) }
        assertTrue(e.message!!.any { it.code in 0x4E00..0x9FFF }, "zh-CN: ${e.message}")
    }
}
