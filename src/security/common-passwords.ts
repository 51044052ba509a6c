/**
 * A short list of the passwords attackers try first: the top entries of public breach corpora
 * (SecLists, Have I Been Pwned rankings) that are 12 characters or longer, plus the vendor defaults
 * and keyboard walks that camera botnets such as Mirai try. Shorter common passwords fail the length
 * rule anyway; a few of them stay here so that the list reads as what it is.
 */

/** The common passwords the policy refuses, lower-case; comparison ignores case. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', 'password', '12345678', 'qwerty', '123456789', '12345', '111111', '1234567', 'admin', 'root',
  '123456789012', '1234567890123', '12345678901234', '123456789123', '123123123123', '111111111111', '000000000000',
  '121212121212', '112233445566', '123412341234', '987654321098', '098765432109', '012345678901', '999999999999',
  '666666666666', '123321123321', '147258369147', '123qweasdzxc', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'zaq12wsxcde3',
  '1qazxsw23edc', 'qwertyuiop12', 'qwertyuiop123', 'qwerty123456', 'qwerty1234567', 'qwertyqwerty', 'qwertyuiopasdf',
  'asdfghjkl123', 'asdfasdfasdf', 'zxcvbnm12345', 'zxcvbnmasdfg', 'qazwsxedcrfv', 'qweasdzxc123', 'abcdefghijkl',
  'abcdefgh1234', 'abc123abc123', 'abcd12345678', 'aaaaaaaaaaaa', 'password1234', 'password12345', 'password123456',
  'passwordpassword', 'password1234!', 'password123!', 'p@ssw0rd1234', 'p@ssword1234', 'passw0rd1234', 'mypassword123',
  'yourpassword', 'thisismypassword', 'changeme1234', 'changeme123!', 'letmein12345', 'letmeinplease', 'welcome12345',
  'welcome123456', 'welcometothejungle', 'iloveyou1234', 'iloveyouiloveyou', 'iloveyou123456', 'trustno1trustno1',
  'administrator', 'administrator1', 'admin1234567', 'adminadmin123', 'adminpassword', 'administrator123', 'rootpassword',
  'superuser123', 'supervisor123', 'default12345', 'defaultpassword', 'guestguest123', 'useruser1234', 'testtest1234',
  'test12345678', 'monkey123456', 'dragon123456', 'football1234', 'baseball1234', 'sunshine1234', 'princess1234',
  'starwars1234', 'whatever1234', 'computer1234', 'internet1234', 'security1234', 'camera123456', 'hikvision123',
]);
