// Sync errors for people: a stable code and a Chinese message that says what to do. Pure.

export type SyncErrorCode =
  | 'OFFLINE'
  | 'TIMEOUT'
  | 'UNAUTHORIZED'
  | 'NOT_ENROLLED'
  | 'ENROLL_FAILED'
  | 'UPGRADE_REQUIRED'
  | 'SERVER_ERROR'
  | 'BAD_RESPONSE'
  | 'REQUEST_REFUSED'
  | 'DEMO_PLATFORM_FAILED'
  /** The terminal syncs through a station hub (站点服务器) and cannot reach it. */
  | 'HUB_OFFLINE'
  /** The station hub answers, but it cannot reach the province (it keeps everything and drains later). */
  | 'PROVINCE_UNREACHABLE';

export const SYNC_ERROR_MESSAGES: Record<SyncErrorCode, string> = {
  OFFLINE: '无法连接政务服务平台，已切换为离线办理。数据保存在本机，网络恢复后自动上传；可检查网线或网络后点“立即重试”。',
  TIMEOUT: '平台响应超时，稍后自动重试；如持续出现，请检查网络质量或联系运维。',
  UNAUTHORIZED: '本终端的平台凭证已失效或被吊销，数据暂存本机。请联系县级平台管理员重新发放注册码后重新注册终端。',
  NOT_ENROLLED: '本终端尚未在平台注册，数据暂存本机。请在配置文件中填写平台地址和注册码后重启。',
  ENROLL_FAILED: '终端注册失败：注册码无效或已过期。请向平台管理员申请新的注册码。',
  UPGRADE_REQUIRED: '平台要求升级终端软件后才能同步，数据暂存本机。请联系运维升级终端。',
  SERVER_ERROR: '平台暂时出错，稍后自动重试；数据保存在本机，不会丢失。',
  BAD_RESPONSE: '平台返回了无法识别的数据，已忽略并稍后重试；如持续出现，请联系平台运维。',
  REQUEST_REFUSED: '平台拒绝了本次同步请求，稍后自动重试；如持续出现，请联系平台运维。',
  DEMO_PLATFORM_FAILED: '演示平台未能启动，终端以离线方式运行。可重启程序重试。',
  HUB_OFFLINE: '无法连接站点服务器（本站大厅的同步电脑），已切换为离线办理。数据保存在本机，站点服务器恢复后自动上传；请检查站点服务器电脑是否开机、局域网是否连通，或点“立即重试”。',
  PROVINCE_UNREACHABLE: '站点服务器在线，但暂时连不上省级政务服务平台。已提交的申请和评价保存在站点服务器，恢复后自动上报；受理号和办理结果届时返回。',
};

/** A failure of the platform transport with a stable code (used as the bridge error code). */
export class SyncTransportError extends Error {
  constructor(
    readonly code: SyncErrorCode,
    message: string,
    /** HTTP status when there was a response. */
    readonly status?: number,
    /** The platform's own error code from its error envelope (e.g. `RECALL_LIMIT`), when it sent one. */
    readonly platformCode?: string,
  ) {
    super(message);
    this.name = 'SyncTransportError';
  }
  /** Worth retrying automatically (the network or the platform may recover by itself). */
  get transient(): boolean {
    return this.code === 'OFFLINE' || this.code === 'TIMEOUT' || this.code === 'SERVER_ERROR' || this.code === 'BAD_RESPONSE';
  }
}
