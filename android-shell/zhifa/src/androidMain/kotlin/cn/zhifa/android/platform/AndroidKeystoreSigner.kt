// The device key in the Android Keystore: a P-256 key that never leaves the secure hardware
// (StrongBox where the phone has one, the TEE otherwise). Signatures are SHA256withECDSA in
// DER, which the core normalises and verifies against the key before using them.
package cn.zhifa.android.platform

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import cn.zhifa.sdk.PlatformException
import cn.zhifa.sdk.PlatformKeystore
import java.security.KeyPairGenerator
import java.security.KeyStore
import java.security.PrivateKey
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

class AndroidKeystoreSigner(private val alias: String = "zhifa-device-key") : PlatformKeystore {
    private val keyStore = KeyStore.getInstance(PROVIDER).apply { load(null) }

    init {
        if (!keyStore.containsAlias(alias)) generate()
    }

    /** SubjectPublicKeyInfo DER, what the core, the server and duty credentials bind to. */
    override fun publicKey(): ByteArray = keyStore.getCertificate(alias).publicKey.encoded

    override suspend fun sign(message: ByteArray): ByteArray = withContext(Dispatchers.IO) {
        try {
            val key = keyStore.getKey(alias, null) as PrivateKey
            Signature.getInstance("SHA256withECDSA").run {
                initSign(key)
                update(message)
                sign()
            }
        } catch (e: Exception) {
            throw PlatformException.Unavailable(e.toString())
        }
    }

    private fun generate() {
        fun spec(strongBox: Boolean) = KeyGenParameterSpec.Builder(alias, KeyProperties.PURPOSE_SIGN)
            .setAlgorithmParameterSpec(ECGenParameterSpec("secp256r1"))
            .setDigests(KeyProperties.DIGEST_SHA256)
            .apply { if (strongBox && android.os.Build.VERSION.SDK_INT >= 28) setIsStrongBoxBacked(true) }
            .build()
        val generator = KeyPairGenerator.getInstance(KeyProperties.KEY_ALGORITHM_EC, PROVIDER)
        try {
            generator.initialize(spec(strongBox = true))
            generator.generateKeyPair()
        } catch (e: Exception) {
            // No StrongBox on this phone (StrongBoxUnavailableException, API 28+): the TEE.
            if (android.os.Build.VERSION.SDK_INT >= 28 && e !is StrongBoxUnavailableException) throw e
            generator.initialize(spec(strongBox = false))
            generator.generateKeyPair()
        }
    }

    private companion object {
        const val PROVIDER = "AndroidKeyStore"
    }
}
