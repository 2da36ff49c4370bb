// Holds the one store and its one sync scheduler for the process. The agency's settings
// (server, jurisdiction, pinned authority keys) come with the build in assets/zhifa/.
package cn.zhifa.app

import android.app.Application
import android.content.Context
import android.net.ConnectivityManager
import android.net.Network
import cn.zhifa.android.SyncScheduler
import cn.zhifa.android.SyncStateFile
import cn.zhifa.android.SyncTrigger
import cn.zhifa.android.platform.AndroidKeyWrapper
import cn.zhifa.android.platform.AndroidKeystoreSigner
import cn.zhifa.android.platform.ElapsedRealtimeClock
import cn.zhifa.android.platform.SyncWorker
import cn.zhifa.android.platform.ZhifaHost
import cn.zhifa.sdk.StoreConfig
import cn.zhifa.sdk.ZhifaStore
import java.io.File
import java.util.Properties
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.launch
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.sync.withLock

class ZhifaApplication : Application(), ZhifaHost {
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main)
    private val opening = Mutex()
    private var store: ZhifaStore? = null
    private var scheduler: SyncScheduler? = null
    val settings: Properties by lazy { Properties().apply { assets.open("zhifa/settings.properties").use { load(it) } } }

    suspend fun store(): ZhifaStore = opening.withLock {
        store ?: run {
            val dir = File(filesDir, "zhifa").apply { mkdirs() }
            val authorities = assets.list("zhifa/authorities").orEmpty().filter { it.endsWith(".der") }
                .map { assets.open("zhifa/authorities/$it").use { s -> s.readBytes() } }
            val config = StoreConfig(
                directory = dir.path,
                jurisdiction = settings.getProperty("jurisdiction").split(','),
                authorityKeys = authorities,
            )
            ZhifaStore.openWithPlatform(config, AndroidKeystoreSigner(), AndroidKeyWrapper(), ElapsedRealtimeClock(contentResolver))
                .also { opened ->
                    store = opened
                    scheduler = SyncScheduler(opened.sync(), settings.getProperty("server"), SyncStateFile(File(dir, "sync-policy.properties")))
                }
        }
    }

    override suspend fun syncScheduler(): SyncScheduler? {
        store()
        return scheduler
    }

    override fun onCreate() {
        super.onCreate()
        SyncWorker.schedule(this)
        // Coming back online is itself a reason to sync (the policy skips any backoff).
        val connectivity = getSystemService(Context.CONNECTIVITY_SERVICE) as ConnectivityManager
        connectivity.registerDefaultNetworkCallback(object : ConnectivityManager.NetworkCallback() {
            override fun onAvailable(network: Network) {
                scope.launch {
                    val s = syncScheduler() ?: return@launch
                    s.setOnline(true)
                    runCatching { s.request(SyncTrigger.CONNECTIVITY) }
                }
            }

            override fun onLost(network: Network) {
                scope.launch { syncScheduler()?.setOnline(false) }
            }
        })
    }
}
